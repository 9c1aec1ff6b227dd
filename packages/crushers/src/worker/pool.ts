import { Worker } from 'node:worker_threads';

export interface WorkerPoolOptions {
  /** The worker script (an ES module) that answers `{ id, payload }` with `{ id, result }` or `{ id, error }`. */
  readonly script: URL | string;
  /** Handed to every worker at start; the worker posts `{ type: 'ready' }` or `{ type: 'failed', error }`. */
  readonly workerData?: unknown;
  /** Worker threads. Default 1. */
  readonly size?: number;
}

export interface PoolStats {
  /** Workers loaded and ready for a job. */
  readonly ready: number;
  readonly completed: number;
  readonly timeouts: number;
  readonly crashes: number;
  readonly restarts: number;
}

/** A job that did not finish in time; its result, if it ever comes, is thrown away. */
export class DeadlineError extends Error {
  constructor(ms: number) {
    super(`the job did not finish within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

interface Job {
  readonly id: number;
  readonly payload: unknown;
  /** Buffers in the payload handed to the worker rather than copied. */
  readonly transfer?: readonly ArrayBuffer[];
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout | undefined;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job | undefined;
}

/**
 * Worker threads that run jobs off the caller's thread, each under a deadline. A job that runs
 * late is abandoned — the caller gets `DeadlineError` at the deadline, never waits longer — and
 * the worker running it is replaced, so a hanging inference cannot block the next; a worker
 * that crashes is replaced too. Idle workers do not keep the process alive. Kompress runs its
 * inference on it; `offThread` runs the crushers on it for large segments.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private failure: Error | undefined;
  private closed = false;
  private counts = { completed: 0, timeouts: 0, crashes: 0, restarts: 0 };

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < Math.max(1, options.size ?? 1); i++) this.slots.push(this.spawn());
  }

  /**
   * Runs one job; rejects with `DeadlineError` at the deadline (or when `signal` aborts, as the
   * caller's own deadline), or with the worker's error. Buffers in `transfer` move to the worker
   * instead of being copied (the caller must not use them again).
   */
  run<T>(payload: unknown, deadlineMs: number, signal?: AbortSignal, transfer?: readonly ArrayBuffer[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        payload,
        ...(transfer ? { transfer } : {}),
        resolve: resolve as (v: unknown) => void,
        reject,
      };
      job.timer = setTimeout(() => this.expire(job, deadlineMs), deadlineMs);
      signal?.addEventListener('abort', () => this.expire(job, deadlineMs), { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  stats(): PoolStats {
    return { ready: this.slots.filter((s) => s.ready).length, ...this.counts };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new Error('the worker pool closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.script, { workerData: this.options.workerData });
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (message: { type?: string; id?: number; result?: unknown; error?: string }) => {
      if (message.type === 'ready') {
        slot.ready = true;
        this.dispatch();
      } else if (message.type === 'failed') {
        // The model cannot load: every job, now and later, fails the same way — no restart loop.
        this.failure = new Error(message.error ?? 'the worker could not start');
        for (const job of this.queue.splice(0)) this.settle(job, this.failure);
      } else if (slot.job && message.id === slot.job.id) {
        const job = slot.job;
        slot.job = undefined;
        worker.unref();
        this.counts.completed++;
        if (message.error !== undefined) this.settle(job, new Error(message.error));
        else this.settle(job, undefined, message.result);
        this.dispatch();
      }
    });
    const lost = (why: string) => {
      if (this.closed || !this.slots.includes(slot)) return;
      this.counts.crashes++;
      if (slot.job) this.settle(slot.job, new Error(`the worker ${why}`));
      slot.job = undefined;
      this.replace(slot);
    };
    worker.on('error', (error) => lost(`crashed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    return slot;
  }

  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.counts.restarts++;
    this.slots[index] = this.spawn();
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || !this.queue.length) continue;
      const job = this.queue.shift() as Job;
      slot.job = job;
      slot.worker.ref(); // a job in flight keeps the process alive until it settles
      slot.worker.postMessage({ id: job.id, payload: job.payload }, job.transfer ? [...job.transfer] : undefined);
    }
  }

  private expire(job: Job, deadlineMs: number): void {
    if (!job.timer) return; // already settled
    this.counts.timeouts++;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.settle(job, new DeadlineError(deadlineMs));
    // The worker still busy with it may never come back: replace it.
    const slot = this.slots.find((s) => s.job === job);
    if (slot) {
      slot.job = undefined;
      this.replace(slot);
    }
  }

  private settle(job: Job, error?: Error, result?: unknown): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = undefined;
    if (error) job.reject(error);
    else job.resolve(result);
  }
}
