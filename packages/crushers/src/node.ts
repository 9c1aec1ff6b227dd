// Node-only: worker threads.

export { createSharpCodec, imageCodecStatus } from './images/sharp-codec.js';
export type { CrushJob } from './worker/crush-worker.js';
export { type OffThreadOptions, type OffThreadTransforms, offThread } from './worker/off-thread.js';
export { DeadlineError, type PoolStats, WorkerPool, type WorkerPoolOptions } from './worker/pool.js';
