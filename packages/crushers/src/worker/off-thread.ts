import { fileURLToPath } from 'node:url';
import type { Transform, TransformResult } from '@headroom/core';
import { defaultCrushers } from '../crushers.js';
import type { CrushJob, CrushReply } from './crush-worker.js';
import { packText, unpackText } from './packed-text.js';
import { WorkerPool } from './pool.js';

export interface OffThreadOptions {
  /** Segments at least this long (characters) run on a worker thread; shorter ones in place. Default 256 KiB. */
  readonly minChars?: number;
  /** Worker threads. Default 1. */
  readonly workers?: number;
}

/** Where the worker waits forever at most: the pipeline's deadline aborts the job first. */
const WORKER_LIMIT_MS = 10 * 60_000;
/** A model of each encoding, for the worker to load the same tokenizer. */
const MODEL_OF_ENCODING: Record<string, string> = { o200k_base: 'gpt-4o', cl100k_base: 'gpt-4' };

export interface OffThreadTransforms {
  readonly transforms: Transform[];
  /**
   * Starts the worker and has it load the crushers and the tokenizer (a few hundred
   * milliseconds), so the first large segment does not spend its deadline on that.
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The crushers, with large segments compressed on worker threads: the caller's event loop stays
 * free (a proxy keeps answering while a 20 MB log is compressed), and a segment past the
 * pipeline's deadline is abandoned at the deadline, its worker replaced. The output is the same
 * as in place — the worker runs the same crusher on the same input. Transforms the worker does
 * not know (Kompress, a caller's own) run as they are.
 *
 * @example
 * const { transforms, close } = offThread(defaultCrushers())
 * await compress(body, { transforms, detect: detectContentType })
 */
export function offThread(transforms: readonly Transform[], options: OffThreadOptions = {}): OffThreadTransforms {
  const minChars = options.minChars ?? 256 * 1024;
  let pool: WorkerPool | undefined;
  const start = () => {
    pool ??= new WorkerPool({ script: workerScript(), size: options.workers ?? 1 });
    return pool;
  };
  // What the worker can build itself: the default crushers, by name.
  const known = new Set(defaultCrushers().map((t) => t.name));
  const wrapped = transforms.map((transform): Transform => {
    if (!known.has(transform.name)) return transform;
    return {
      ...transform,
      compress: async (input, context) => {
        if (input.text.length < minChars) return transform.compress(input, context);
        const { text, ...rest } = input;
        const { packed, transfer } = await packText(text);
        const job: CrushJob = {
          name: transform.name,
          input: rest,
          text: packed,
          model: MODEL_OF_ENCODING[context.tokenizer.encoding] ?? 'gpt-4o',
          ...(context.retrievalKey ? { retrievalKey: context.retrievalKey } : {}),
        };
        const reply = await start().run<CrushReply>(job, WORKER_LIMIT_MS, context.signal, transfer);
        const result: TransformResult = {
          text: 'unchanged' in reply ? text : await unpackText(reply.text),
          ...(reply.via ? { via: reply.via } : {}),
        };
        return result;
      },
    };
  });
  return {
    transforms: wrapped,
    ready: async () => {
      const warm: CrushJob = {
        name: 'log-crusher',
        input: { contentType: 'log', query: '' },
        text: { text: 'warm\nup' },
        model: 'gpt-4o',
      };
      await start().run(warm, WORKER_LIMIT_MS);
    },
    close: async () => pool?.close(),
  };
}

function workerScript(): string {
  const url = new URL('./crush-worker.js', import.meta.url);
  return url.protocol === 'file:' ? fileURLToPath(url) : url.href;
}
