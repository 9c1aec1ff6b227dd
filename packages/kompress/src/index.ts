export { DeadlineError, type PoolStats, WorkerPool, type WorkerPoolOptions } from '@headroom/crushers/node';
export { createEmbedder, type OnnxEmbedder } from './embedder.js';
export { createKompress, type KompressOptions, type KompressStatus, type KompressTransform } from './kompress.js';
export { KOMPRESS_ROLE, KompressUnavailableError, type ModelFiles, type ModelRole, readModelDir } from './model-dir.js';
export { Scorer } from './scorer.js';
export { joinKept, readWords, type Word } from './words.js';
