export { type ListOptions, type Memory, type MemoryOptions, openMemory } from './memory.js';
export { renderMemory, type Selection, type SelectOptions, selectMemories } from './select.js';
export { similarity } from './similarity.js';
export type {
  Embedder,
  MemoryContext,
  MemoryEntry,
  MemoryExport,
  MemoryScope,
  Provenance,
  SaveInput,
  SaveResult,
  SearchHit,
  SearchOptions,
} from './types.js';
