// The crushers' worker thread: runs one transform on one segment per job, off the caller's event loop.
import { parentPort } from 'node:worker_threads';
import { getTokenizer, type TransformInput } from '@headroom/core';
import { defaultCrushers } from '../crushers.js';

export interface CrushJob {
  readonly name: string;
  readonly input: TransformInput;
  readonly retrievalKey?: string;
  /** A model name whose tokenizer is the caller's (the encoding is what matters). */
  readonly model: string;
}

const crushers = new Map(defaultCrushers().map((t) => [t.name, t]));
const never = new AbortController().signal;

parentPort?.on('message', async ({ id, payload }: { id: number; payload: CrushJob }) => {
  try {
    const transform = crushers.get(payload.name);
    if (!transform) throw new Error(`no crusher named ${payload.name}`);
    const tokenizer = await getTokenizer(payload.model);
    const result = await transform.compress(payload.input, {
      tokenizer,
      signal: never,
      ...(payload.retrievalKey ? { retrievalKey: payload.retrievalKey } : {}),
    });
    parentPort?.postMessage({ id, result: { text: result.text, ...(result.via ? { via: result.via } : {}) } });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort?.postMessage({ type: 'ready' });
