// Test helpers for memory authors. Imports vitest, so use it from test files only.
export {
  conceptEmbedder,
  type MemoryFactory,
  type MemoryFactoryOptions,
  runMemoryConformance,
} from './memory-conformance.js';
export { postgresServerAvailable, type RunningPostgres, startPostgresServer } from './postgres-server.js';
