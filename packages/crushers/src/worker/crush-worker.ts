// The crushers' worker thread: runs one transform on one segment per job, off the caller's event loop.
import { parentPort } from 'node:worker_threads';
import { getTokenizer, type TransformInput } from '@headroom/core';
import { defaultCrushers } from '../crushers.js';
import { type PackedText, packText, unpackText } from './packed-text.js';

export interface CrushJob {
  readonly name: string;
  /** The input, its text packed (see `PackedText`). */
  readonly input: Omit<TransformInput, 'text'>;
  readonly text: PackedText;
  readonly retrievalKey?: string;
  /** A model name whose tokenizer is the caller's (the encoding is what matters). */
  readonly model: string;
}

/** What the worker answers: the text packed, or that it is the input's. */
export type CrushReply = ({ readonly text: PackedText } | { readonly unchanged: true }) & { readonly via?: string };

const crushers = new Map(defaultCrushers().map((t) => [t.name, t]));
const never = new AbortController().signal;

parentPort?.on('message', async ({ id, payload }: { id: number; payload: CrushJob }) => {
  try {
    const transform = crushers.get(payload.name);
    if (!transform) throw new Error(`no crusher named ${payload.name}`);
    const tokenizer = await getTokenizer(payload.model);
    const text = await unpackText(payload.text);
    const result = await transform.compress({ ...payload.input, text } as TransformInput, {
      tokenizer,
      signal: never,
      ...(payload.retrievalKey ? { retrievalKey: payload.retrievalKey } : {}),
    });
    const via = result.via ? { via: result.via } : {};
    // An unchanged text is not sent back (the caller has it); a large one comes back packed.
    if (result.text === text) {
      parentPort?.postMessage({ id, result: { unchanged: true, ...via } satisfies CrushReply });
      return;
    }
    const { packed, transfer } = await packText(result.text);
    parentPort?.postMessage({ id, result: { text: packed, ...via } satisfies CrushReply }, transfer);
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort?.postMessage({ type: 'ready' });
