// Node-only: worker threads.

export { createSharpResizer } from './images/sharp-resizer.js';
export type { CrushJob } from './worker/crush-worker.js';
export { type OffThreadOptions, type OffThreadTransforms, offThread } from './worker/off-thread.js';
export { DeadlineError, type PoolStats, WorkerPool, type WorkerPoolOptions } from './worker/pool.js';
