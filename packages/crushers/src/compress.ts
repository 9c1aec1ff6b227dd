import {
  type CompressOptions,
  type CompressResult,
  type CompressTextOptions,
  type CompressTextResult,
  compress as coreCompress,
  compressText as coreCompressText,
} from '@headroom/core';
import { defaultCrushers } from './crushers.js';
import { detectContentType } from './router/detect.js';

/** Options of the batteries-included entry points: core's, with transforms and router filled in. */
export type CrushOptions = Omit<CompressOptions, 'transforms'> & Partial<Pick<CompressOptions, 'transforms'>>;
export type CrushTextOptions = Omit<CompressTextOptions, 'transforms'> &
  Partial<Pick<CompressTextOptions, 'transforms'>>;

/**
 * `compress` from `@headroom/core` with every crusher and the content router. Pass `store` (for
 * example `createSqliteStore()` from `@headroom/ccr/sqlite`) when the model or the user can
 * retrieve what was left out: markers then carry keys.
 *
 * @example
 * import { compress } from '@headroom/crushers'
 * const { request, tokensBefore, tokensAfter } = await compress(body, { store })
 */
export function compress<R>(request: R, options: CrushOptions = {}): Promise<CompressResult<R>> {
  return coreCompress(request, {
    detect: detectContentType,
    ...options,
    transforms: options.transforms ?? defaultCrushers(),
  });
}

/**
 * `compressText` with every crusher and the content router: one raw tool output, with the
 * agent's question as the query.
 *
 * @example
 * const { text } = await compressText(grepOutput, { query: 'where is multi_turn_checker defined' })
 */
export function compressText(text: string, options: CrushTextOptions = {}): Promise<CompressTextResult> {
  return coreCompressText(text, {
    detect: detectContentType,
    ...options,
    transforms: options.transforms ?? defaultCrushers(),
  });
}
