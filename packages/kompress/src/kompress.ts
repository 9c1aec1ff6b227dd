import { fileURLToPath } from 'node:url';
import { formatMarker, hasMarkers, type Transform, type TransformResult } from '@headroom/core';
import { type PoolStats, WorkerPool } from '@headroom/crushers/node';
import { KompressUnavailableError, readModelDir } from './model-dir.js';
import { joinKept, readWords } from './words.js';

export interface KompressOptions {
  /** The model directory. Default `HEADROOM_KOMPRESS_MODEL`. */
  readonly modelDir?: string;
  /**
   * Most of the words to keep, 0–1 (forced words count toward it): the best-scored words are kept
   * up to this share, never one the model scores below 0.5. Default 0.5.
   */
  readonly rate?: number;
  /** Keep every word whose keep probability reaches this, instead of a rate. */
  readonly threshold?: number;
  /** Longest wait for an inference, queue time included; later results are abandoned. Default 1,500 ms. */
  readonly deadlineMs?: number;
  /** Inference worker threads. Default 1. */
  readonly workers?: number;
  /** Runs instead when Kompress cannot: no model, past the deadline, a crashed worker. */
  readonly fallback?: Transform;
}

export interface KompressStatus {
  /** Whether a model is configured and loads. */
  readonly available: boolean;
  /** Why not, with how to fix it. */
  readonly reason?: string;
  readonly modelDir?: string;
  readonly compressed: number;
  readonly fallbacks: number;
  readonly lastFallback?: string;
  readonly pool?: PoolStats;
}

export interface KompressTransform extends Transform {
  status(): KompressStatus;
  close(): Promise<void>;
}

/** Prose shorter than this many words is left to the extractive compressor: the model buys little there. */
const MIN_WORDS = 40;

/**
 * The Kompress transform (`kompress`): a token-classification model (the LLMLingua-2 family)
 * scores every word for keeping, off the request path in a worker pool; forced words (numbers,
 * identifiers, paths, URLs, quotes, query words, headings, code) always stay; line structure is
 * kept; a marker counts the omitted words and carries the key to the original. Without a model,
 * or when inference misses its deadline or fails, the `fallback` transform runs instead and the
 * figures name it. No code path ever downloads weights.
 *
 * @example
 * const kompress = createKompress({ modelDir: '/models/llmlingua-2', fallback: createProseCrusher() })
 */
export function createKompress(options: KompressOptions = {}): KompressTransform {
  const modelDir = options.modelDir ?? process.env.HEADROOM_KOMPRESS_MODEL;
  const deadlineMs = options.deadlineMs ?? 1500;
  let unavailable: string | undefined;
  let pool: WorkerPool | undefined;
  try {
    readModelDir(modelDir); // fail fast, with the fix, before any worker starts
    pool = new WorkerPool({
      script: new URL('./worker.js', import.meta.url).href.startsWith('file:')
        ? fileURLToPath(new URL('./worker.js', import.meta.url))
        : './worker.js',
      workerData: { modelDir },
      size: options.workers ?? 1,
    });
  } catch (error) {
    unavailable = error instanceof KompressUnavailableError ? error.message : String(error);
  }
  let compressed = 0;
  let fallbacks = 0;
  let lastFallback: string | undefined;

  /** The segment handed to the fallback, which the figures then name. */
  const delegate = async (
    input: Parameters<Transform['compress']>[0],
    context: Parameters<Transform['compress']>[1],
  ): Promise<TransformResult> => {
    if (!options.fallback) return { text: input.text };
    const result = await options.fallback.compress(input, context);
    return { text: result.text, via: result.via ?? options.fallback.name };
  };
  /** Kompress could not run: counted, the reason kept (one line), the fallback used. */
  const fallBack = (
    why: string,
    input: Parameters<Transform['compress']>[0],
    context: Parameters<Transform['compress']>[1],
  ): Promise<TransformResult> => {
    fallbacks++;
    lastFallback = why.split('\n')[0]?.trim() ?? why;
    return delegate(input, context);
  };

  return {
    specificationVersion: 'v1',
    name: 'kompress',
    version: '1',
    contentTypes: ['prose', 'markdown'],
    async compress(input, context) {
      if (hasMarkers(input.text)) return { text: input.text };
      if (unavailable || !pool) return fallBack(unavailable ?? 'no model', input, context);
      const words = readWords(input.text, input.query);
      // Too short to be worth the model: a routing choice, not a failure, so not counted as a fallback.
      if (words.length < MIN_WORDS) return delegate(input, context);
      let scores: Float32Array;
      try {
        scores = await pool.run<Float32Array>({ words: words.map((w) => w.text) }, deadlineMs);
      } catch (error) {
        return fallBack((error as Error).message, input, context);
      }
      const keep = new Uint8Array(words.length);
      words.forEach((w, i) => {
        if (w.forced) keep[i] = 1;
      });
      if (options.threshold !== undefined) {
        scores.forEach((s, i) => {
          if (s >= (options.threshold as number)) keep[i] = 1;
        });
      } else {
        const target = Math.ceil(words.length * (options.rate ?? 0.5));
        let kept = keep.reduce((a, b) => a + b, 0);
        const order = [...scores.keys()].sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
        for (const i of order) {
          // The rate is a ceiling: a word the model would drop is never kept just to fill it.
          if (kept >= target || (scores[i] as number) < 0.5) break;
          if (!keep[i]) {
            keep[i] = 1;
            kept++;
          }
        }
      }
      const omitted = words.length - keep.reduce((a, b) => a + b, 0);
      if (!omitted) return { text: input.text };
      compressed++;
      const marker = formatMarker({
        omitted,
        total: words.length,
        unit: 'words',
        ...(context.retrievalKey ? { key: context.retrievalKey } : {}),
      });
      return { text: `${joinKept(input.text, words, keep)}\n${marker}` };
    },
    status: () => ({
      available: !unavailable,
      ...(unavailable ? { reason: unavailable } : {}),
      ...(modelDir ? { modelDir } : {}),
      compressed,
      fallbacks,
      ...(lastFallback ? { lastFallback } : {}),
      ...(pool ? { pool: pool.stats() } : {}),
    }),
    close: async () => {
      await pool?.close();
    },
  };
}
