import {
  anchorHits,
  bm25Scores,
  definitionHits,
  formatRetrievedHeader,
  KEY_LENGTH,
  KEY_PREFIX,
  queryAnchors,
  queryTerms,
  type Store,
} from '@headroom/core';
import { splitUnits } from './units.js';

export interface RetrieveOptions {
  /** Return only the lines or items matching this query, best first. */
  readonly query?: string;
  /** Most matches returned for a query. Default 40. */
  readonly limit?: number;
}

export type RetrieveResult =
  | {
      readonly found: true;
      readonly key: string;
      /** The exact original bytes, whatever the query. */
      readonly original: string;
      /** What a model or person reads: the retrieved-content header, then the content. */
      readonly text: string;
    }
  | {
      readonly found: false;
      readonly key: string;
      /** A plain message saying what happened and what to do next. */
      readonly text: string;
    };

const KEY = new RegExp(`^[0-9a-f]{${KEY_LENGTH}}$`);

/**
 * Gets an original back by key: whole, or only the lines or items matching a query (ranked by
 * BM25, capped, with the count of the rest). An unknown or expired key is not an exception:
 * the result says so in words the model can act on.
 *
 * @example
 * const r = await retrieve(store, '8f3a9c2b1d4e5f60a7b8c9d0', { query: 'timeout' })
 * if (r.found) console.log(r.text)
 */
export async function retrieve(store: Store, rawKey: string, options: RetrieveOptions = {}): Promise<RetrieveResult> {
  const key = normalizeKey(rawKey);
  if (!KEY.test(key)) {
    return {
      found: false,
      key,
      text: `"${rawKey}" is not a Headroom key: keys are the ${KEY_LENGTH} hex digits after "${KEY_PREFIX}" in an omission marker.`,
    };
  }
  const entry = await store.get(key);
  if (!entry) {
    return {
      found: false,
      key,
      text: `No stored original for ${KEY_PREFIX}${key}: it expired or was never stored here. Run the tool again to get the content.`,
    };
  }
  const query = options.query?.trim();
  const text = query ? matching(key, entry.original, query, options.limit ?? 40) : whole(key, entry.original);
  return { found: true, key, original: entry.original, text };
}

/** Accepts a key as printed in markers (`headroom:KEY`) as well as the bare key. */
export function normalizeKey(raw: string): string {
  const trimmed = raw.trim().toLowerCase();
  return trimmed.startsWith(KEY_PREFIX) ? trimmed.slice(KEY_PREFIX.length) : trimmed;
}

function whole(key: string, original: string): string {
  const lines = original.split('\n').length;
  return `${formatRetrievedHeader(key, `the original, ${lines} ${lines === 1 ? 'line' : 'lines'}`)}\n${original}`;
}

function matching(key: string, original: string, query: string, limit: number): string {
  const { kind, units } = splitUnits(original);
  const terms = queryTerms(query);
  const texts = units.map((u) => u.text);
  const scores = bm25Scores(texts, terms);
  // Units holding an exact identifier, path, number or quoted string from the query rank first.
  const anchors = queryAnchors(query);
  for (const i of anchorHits(texts, anchors)) scores[i] = (scores[i] as number) + 1000;
  // So do lines defining an identifier the query names (`dumps(obj, …)` for `json.dumps`).
  if (kind === 'lines') for (const i of definitionHits(texts, anchors)) scores[i] = (scores[i] as number) + 500;
  const ranked = units
    .map((unit, i) => ({ unit, score: scores[i] as number }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score);
  const shown = ranked.slice(0, limit);
  const quoted = JSON.stringify(query).replace(/\]/g, ')');
  const noun = kind === 'lines' ? 'lines' : 'items';
  if (shown.length === 0) {
    return formatRetrievedHeader(
      key,
      `none of ${units.length} ${noun} match ${quoted}; retrieve without a query for the whole original`,
    );
  }
  const rest = ranked.length - shown.length;
  const summary =
    `${ranked.length} of ${units.length} ${noun} match ${quoted}, best first` +
    (rest > 0 ? `; showing ${shown.length}, ${rest} more not shown (narrow the query to see them)` : '');
  const body = shown.flatMap((r) => {
    const heading = kind === 'lines' ? headingOf(units, units.indexOf(r.unit)) : undefined;
    const line = `${r.unit.label}: ${r.unit.text}`;
    return heading === undefined ? [line] : [`${heading.label}: ${heading.text}`, line];
  });
  return [formatRetrievedHeader(key, summary), ...body].join('\n');
}

/**
 * The line an indented match belongs to: the nearest earlier line that starts at column 0 after
 * a blank line (a commit's `commit <hash>` line, a section title), at most 12 lines back. A commit
 * subject found by the query then comes with the commit's hash.
 */
function headingOf(
  units: readonly { label: string; text: string }[],
  at: number,
): { label: string; text: string } | undefined {
  if (!/^\s/.test(units[at]?.text ?? '')) return undefined;
  for (let i = at - 1; i >= Math.max(0, at - 12); i--) {
    const text = units[i]?.text ?? '';
    if (text && !/^\s/.test(text) && (i === 0 || !(units[i - 1]?.text ?? '').trim())) return units[i];
  }
  return undefined;
}
