import {
  anchorHits,
  bm25Scores,
  definitionHits,
  formatRetrievedHeader,
  type ImageRegion,
  KEY_LENGTH,
  KEY_PREFIX,
  pathScopes,
  queryAnchors,
  queryTerms,
  type Store,
} from '@headroom/core';
import { splitRecords } from './records.js';
import { type RetrieveImages, retrieveImage } from './retrieve-image.js';

export interface RetrieveOptions {
  /** Return only the records (lines, stanzas, items) matching this query, best first. */
  readonly query?: string;
  /** Most records returned for a query. Default 40 (fewer when they fill the answer's token budget). */
  readonly limit?: number;
  /** For an image: the part to give back at full resolution, in the original's pixels. */
  readonly region?: ImageRegion;
  /** How an image is cut and scaled for the asking model; without it, an image comes back whole. */
  readonly images?: RetrieveImages;
}

export type RetrieveResult =
  | {
      readonly found: true;
      readonly key: string;
      /** The exact original bytes, whatever the query. */
      readonly original: string;
      /** What a model or person reads: the retrieved-content header, then the content. */
      readonly text: string;
      /** For a stored image: the image (or its region) to show, `text` describing it. */
      readonly image?: { readonly mediaType: string; readonly data: string };
    }
  | {
      readonly found: false;
      readonly key: string;
      /** A plain message saying what happened and what to do next. */
      readonly text: string;
    };

const KEY = new RegExp(`^[0-9a-f]{${KEY_LENGTH}}$`);

/**
 * Gets an original back by key: whole, or only the records matching a query — whole records (a
 * commit, a stanza, a JSON item or member with its path, a log entry with its continuation), ranked
 * by BM25 over that original's records with exact identifiers first, identical ones folded, within
 * a token budget, with the count of the rest (see `splitRecords`). An unknown or expired key is not an exception:
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
  if (entry.contentType === 'image') {
    const answer = await retrieveImage(key, entry.original, options.region, options.images);
    if (answer.isError) return { found: false, key, text: answer.text };
    return {
      found: true,
      key,
      original: entry.original,
      text: answer.text,
      ...(answer.image ? { image: answer.image } : {}),
    };
  }
  if (options.region) {
    return {
      found: false,
      key,
      text: `${KEY_PREFIX}${key} is text, not an image: a region applies to images; retrieve it without one.`,
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

/** What a query's answer may take, in tokens (estimated at 4 characters each): enough for the best records, never the whole original. */
const BUDGET_TOKENS = 2_000;

function matching(key: string, original: string, query: string, limit: number): string {
  const { noun, records, head } = splitRecords(original);
  const texts = records.map((r) => r.search);
  const scores = bm25Scores(texts, queryTerms(query));
  // Records holding an exact identifier, path, number or quoted string from the query rank first.
  const anchors = queryAnchors(query);
  for (const i of anchorHits(texts, anchors)) scores[i] = (scores[i] as number) + 1000;
  for (const i of scopeHits(texts, anchors)) scores[i] = (scores[i] as number) + 1000;
  // So do records opening with the definition of an identifier the query names (`dumps(obj, …)` for `json.dumps`).
  if (noun !== 'items') for (const i of definitionHits(texts, anchors)) scores[i] = (scores[i] as number) + 500;
  // Identical records are one answer: shown once, with how many there are.
  const groups = new Map<string, { labels: string[]; text: string; score: number }>();
  records.forEach((record, i) => {
    const score = scores[i] as number;
    if (score <= 0) return;
    const group = groups.get(record.text);
    if (group) group.labels.push(record.label);
    else groups.set(record.text, { labels: [record.label], text: record.text, score });
  });
  const ranked = [...groups.values()].sort((a, b) => b.score - a.score);
  const matched = ranked.reduce((n, g) => n + g.labels.length, 0);
  const quoted = JSON.stringify(query).replace(/\]/g, ')');
  if (ranked.length === 0) {
    return formatRetrievedHeader(
      key,
      `none of ${records.length} ${noun} match ${quoted}; retrieve without a query for the whole original`,
    );
  }
  const shown: string[] = [];
  let spent = 0;
  for (const group of ranked) {
    if (shown.length >= limit || (shown.length > 0 && spent + group.text.length / 4 > BUDGET_TOKENS)) break;
    const [first, ...more] = group.labels;
    shown.push(`${first}${more.length ? ` (+${more.length} identical)` : ''}: ${group.text}`);
    spent += group.text.length / 4;
  }
  const rest = ranked.length - shown.length;
  const counted = matched === ranked.length ? `${matched}` : `${matched} (${ranked.length} distinct)`;
  const summary =
    `${counted} of ${records.length} ${noun} match ${quoted}, best first` +
    (rest > 0 ? `; showing ${shown.length}, ${rest} more not shown (narrow the query to see them)` : '');
  // A table's rows come under its header, so their columns are named.
  return [formatRetrievedHeader(key, summary), ...(head ? [`${head.label}: ${head.text}`] : []), ...shown].join('\n');
}

/** Records holding a path the query names as its directory's block and the name listed in it (see `pathScopes`). */
function scopeHits(texts: readonly string[], anchors: readonly string[]): number[] {
  return pathScopes(texts, anchors).flatMap(({ dir, name }) =>
    texts.flatMap((text, i) => (text.includes(`${dir}:`) && text.includes(name) ? [i] : [])),
  );
}
