export { createKompress, type KompressOptions, type KompressStatus, type KompressTransform } from './kompress.js';
export { KompressUnavailableError, type ModelFiles, readModelDir } from './model-dir.js';
export { DeadlineError, type PoolStats, WorkerPool, type WorkerPoolOptions } from './pool.js';
export { Scorer } from './scorer.js';
export { joinKept, readWords, type Word } from './words.js';
