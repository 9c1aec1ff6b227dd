import type { ContentDetector, Transform } from '@headroom/core';
import { createProseCrusher, defaultCrushers, detectContentType } from '@headroom/crushers';
import type { CliIo } from './io.js';

/** Kompress in the CLI: one process, one file, so the model may take its time to load. */
const KOMPRESS_DEADLINE_MS = 20_000;

export interface AssembledPipeline {
  readonly transforms: Transform[];
  readonly detect: ContentDetector;
  /** Set when the prose route runs Kompress; close it when done. */
  readonly kompress?: { close(): Promise<void> };
  /** A per-transform deadline long enough for the model to load, when Kompress is on. */
  readonly deadlineMs?: number;
}

/**
 * The compressors the CLI assembles and the router that picks one per segment. With
 * HEADROOM_KOMPRESS_MODEL set, prose goes to Kompress first (loaded only then: it is an optional
 * dependency), falling back to the extractive prose compressor; when the model cannot be used,
 * one line on stderr says why and how to fix it.
 */
export async function assemblePipeline(io: CliIo): Promise<AssembledPipeline> {
  const base = { transforms: defaultCrushers(), detect: detectContentType };
  const modelDir = io.env.HEADROOM_KOMPRESS_MODEL;
  if (!modelDir) return base;
  let kompress: typeof import('@headroom/kompress');
  try {
    kompress = await import('@headroom/kompress');
  } catch (error) {
    await warn(
      io,
      `Kompress is not installed (${(error as Error).message}); install @headroom/kompress. Prose uses the extractive compressor`,
    );
    return base;
  }
  const transform = kompress.createKompress({
    modelDir,
    fallback: createProseCrusher(),
    deadlineMs: KOMPRESS_DEADLINE_MS,
  });
  const status = transform.status();
  if (!status.available) {
    await warn(io, status.reason ?? 'the Kompress model cannot be used');
    await transform.close();
    return base;
  }
  return {
    ...base,
    transforms: [transform, ...base.transforms],
    kompress: transform,
    deadlineMs: KOMPRESS_DEADLINE_MS + 5_000,
  };
}

function warn(io: CliIo, message: string): Promise<void> {
  return new Promise((resolve) => io.stderr.write(`headroom: ${message}\n`, () => resolve()));
}
