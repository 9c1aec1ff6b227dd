// @headroom/ccr — runtime-neutral entry. The SQLite store is Node-only: import it from
// '@headroom/ccr/sqlite'.

export { type Records, type RetrievalRecord, splitRecords } from './retrieve/records.js';
export { normalizeKey, type RetrieveOptions, type RetrieveResult, retrieve } from './retrieve/retrieve.js';
export { type RetrievedImage, type RetrieveImages, retrieveImage } from './retrieve/retrieve-image.js';
export {
  type AnsweredCall,
  answerCalls,
  MAX_RETRIEVE_ROUNDS,
  partsOf,
  type RoundConversation,
  type RoundOptions,
  readableFrom,
  runRetrieveRounds,
  type StreamConversation,
  streamRetrieveRounds,
  type TurnConversation,
  type TurnFollower,
} from './rounds/retrieve-rounds.js';
export {
  type CcrStore,
  DAY_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_RETENTION_MS,
  type StoreOptions,
  type StoreStats,
} from './store/ccr-store.js';
export { createMemoryStore } from './store/memory-store.js';
export {
  handleRetrieveCall,
  RETRIEVE_TOOL_NAME,
  type RetrieveCallResult,
  retrieveToolDefinition,
  retrieveToolResult,
} from './tool/retrieve-tool.js';
