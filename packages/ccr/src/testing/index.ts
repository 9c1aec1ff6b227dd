// Test helpers for store authors. Imports vitest, so use it from test files only.

export { type FirstSightFactory, runFirstSightConformance } from './first-sight-conformance.js';
export { type RunningRedis, redisServerAvailable, startRedisServer } from './redis-server.js';
export { EXACT_TEXTS, entryFor, runStoreConformance, type StoreFactory } from './store-conformance.js';
