import type { WireFormat } from '../request/segment.js';
import { anthropicDialect } from './anthropic/dialect.js';
import type { WireDialect } from './dialect.js';
import { geminiDialect } from './gemini/dialect.js';
import { openAIChatDialect } from './openai-chat/dialect.js';
import { responsesDialect } from './responses/dialect.js';

/**
 * Every wire format's dialect. Typed by `WireFormat`: a new format does not compile until it has
 * a dialect here, and a dialect does not compile until it has every member of `WireDialect`.
 */
export const DIALECTS: { readonly [F in WireFormat]: WireDialect<F> } = {
  anthropic: anthropicDialect,
  openai: openAIChatDialect,
  responses: responsesDialect,
  gemini: geminiDialect,
};

/** The dialect of a format. */
export function dialectOf<F extends WireFormat>(format: F): WireDialect<F> {
  return DIALECTS[format];
}

/**
 * The format whose compressed endpoint a request path is, if any: the path itself (`exact`, what
 * a proxy receives), or a full URL's path that ends with one (`suffix`, what an SDK calls behind
 * any base URL — `/openai/v1/chat/completions`, never `/v1/threads/…/messages`).
 */
export function formatOfPath(pathname: string, match: 'exact' | 'suffix' = 'exact'): WireFormat | undefined {
  const matches = (path: string | RegExp) =>
    typeof path === 'string'
      ? match === 'exact'
        ? pathname === path
        : pathname.endsWith(path)
      : match === 'exact'
        ? path.test(pathname)
        : new RegExp(path.source.replace(/^\^/, '')).test(pathname);
  return (Object.values(DIALECTS) as WireDialect[]).find((d) => d.paths.some(matches))?.format;
}
