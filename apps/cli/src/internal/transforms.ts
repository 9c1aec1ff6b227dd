import type { ContentDetector, Transform } from '@headroom/core';
import { createProseCrusher, defaultCrushers, detectContentType } from '@headroom/crushers';
import type { CliIo } from './io.js';

/** Kompress for one file: one process, so the model may take its time to load. */
const COMPRESS_DEADLINE_MS = 20_000;
/** Kompress on a request path: a late inference is abandoned and the segment falls back. */
export const PROXY_KOMPRESS_DEADLINE_MS = 1_500;

export interface AssembledPipeline {
  readonly transforms: Transform[];
  readonly detect: ContentDetector;
  /** Set when the prose route runs Kompress; close it when done. */
  readonly kompress?: { close(): Promise<void>; status(): { fallbacks: number; lastFallback?: string } };
  /** A per-transform deadline long enough for Kompress's own, when Kompress is on. */
  readonly deadlineMs?: number;
  /** What prose runs on, for health checks and stats: Kompress with its status, or why not. */
  readonly prose: () => Record<string, unknown>;
}

/**
 * The compressors the CLI assembles and the router that picks one per segment. With
 * HEADROOM_KOMPRESS_MODEL set, prose goes to Kompress first (loaded only then: it is an optional
 * dependency), falling back to the extractive prose compressor; when the model cannot be used,
 * one line on stderr says why and how to fix it.
 */
export async function assemblePipeline(
  io: CliIo,
  options: { readonly kompressDeadlineMs?: number } = {},
): Promise<AssembledPipeline> {
  const extractive = (why: string) => ({
    transforms: defaultCrushers(),
    detect: detectContentType,
    prose: () => ({ engine: 'prose-crusher', kompress: why }),
  });
  const modelDir = io.env.HEADROOM_KOMPRESS_MODEL;
  if (!modelDir) return extractive('off: no model configured (set HEADROOM_KOMPRESS_MODEL to a model directory)');
  let kompress: typeof import('@headroom/kompress');
  try {
    kompress = await import('@headroom/kompress');
  } catch (error) {
    const why = `Kompress is not installed (${(error as Error).message}); install @headroom/kompress. Prose uses the extractive compressor`;
    await warn(io, why);
    return extractive(why);
  }
  const deadlineMs = options.kompressDeadlineMs ?? COMPRESS_DEADLINE_MS;
  const transform = kompress.createKompress({ modelDir, fallback: createProseCrusher(), deadlineMs });
  const status = transform.status();
  if (!status.available) {
    const why = status.reason ?? 'the Kompress model cannot be used';
    await warn(io, why);
    await transform.close();
    return extractive(why);
  }
  return {
    transforms: [transform, ...defaultCrushers()],
    detect: detectContentType,
    kompress: transform,
    deadlineMs: deadlineMs + 500,
    prose: () => ({ engine: 'kompress', ...transform.status() }),
  };
}

function warn(io: CliIo, message: string): Promise<void> {
  return new Promise((resolve) => io.stderr.write(`headroom: ${message}\n`, () => resolve()));
}
