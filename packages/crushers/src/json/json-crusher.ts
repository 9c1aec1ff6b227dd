import {
  formatMarker,
  hasMarkers,
  queryAnchors,
  scanJson,
  type Transform,
  type TransformContext,
  type TransformInput,
  type WeightedTerms,
  weightedQueryTerms,
} from '@headroom/core';
import { categoricalDetail, SMALL_COLLECTION, selectMembers } from '../select/members.js';
import { compressEmbeddedText, EMBEDDED_MIN_CHARS } from './embedded-text.js';
import { type JsonNode, parseTree, rawStringContent, serialize } from './json-tree.js';
import { smallestLossless } from './lossless.js';

export interface JsonCrusherOptions {
  /** Documents whose smallest lossless form is at most this many tokens are never cut. Default 1,000. */
  readonly lossyAboveTokens?: number;
}

/** Strings longer than this (raw characters) are shortened, keeping head and tail. */
const LONG_STRING = 2000;
const STRING_HEAD = 600;
const STRING_TAIL = 200;
/** Documents up to this size try TOON before cutting (about 64k tokens of minified JSON). */
const TOON_EAGER_CHARS = 256 * 1024;
/** TOON keeps at least ~a fifth of minified JSON even on the most uniform arrays: a cut below that needs no TOON. */
const TOON_BEST_RATIO = 0.2;

/**
 * JSON: lossless first (minified, or TOON when smaller and exact); past a size threshold, lossy
 * selection inside arrays and large objects — first and last members, members carrying errors
 * or failure states, rare categorical values, numeric outliers, and members matching the query
 * stay, verbatim; the rest become marker strings in place with exact counts and per-value counts
 * of categorical fields. Long strings keep their head and tail. The output stays valid JSON.
 */
export function createJsonCrusher(options: JsonCrusherOptions = {}): Transform {
  const threshold = options.lossyAboveTokens ?? 1000;
  return {
    specificationVersion: 'v1',
    name: 'json-crusher',
    version: '2',
    contentTypes: ['json'],
    async compress({ text, query, toolName }, context) {
      const { tokenizer, retrievalKey } = context;
      const scan = scanJson(text);
      if (!scan.ok) return { text };
      // Already compressed once: only whitespace may go, so a second pass never cuts deeper.
      if (hasMarkers(text)) return { text: scan.minified };
      const lossless = () =>
        scan.documents === 1 ? smallestLossless(scan.minified, tokenizer) : { text: scan.minified };
      // TOON of a large document costs several times its size in memory (parse, encode, decode,
      // check); it is tried up front only where it could be the answer, else only on a close call.
      let best = scan.minified.length <= TOON_EAGER_CHARS ? lossless() : undefined;
      // The threshold is a size, not a budget: characters / 4 decides it without a tokenizer pass.
      if (best && best.text.length / 4 <= threshold) return { text: best.text };

      const docs = scan.documents === 1 ? [scan.minified] : scan.minified.split('\n');
      const trees = docs.map(parseTree);
      if (trees.some((t) => t === undefined)) return { text: (best ?? lossless()).text };
      const ctx: CrushContext = {
        anchors: queryAnchors(query),
        terms: weightedQueryTerms(query, toolName),
        key: retrievalKey,
        embedded: await embeddedTexts(trees as JsonNode[], { query, ...(toolName ? { toolName } : {}) }, context),
      };
      const crushed =
        scan.documents === 1
          ? serialize(crushNode(trees[0] as JsonNode, ctx))
          : crushDocuments(trees as JsonNode[], docs, ctx);
      // A clearly shorter cut needs no count; a close call is settled by the tokenizer.
      if (!best && crushed.length <= scan.minified.length * TOON_BEST_RATIO) return { text: crushed };
      best ??= lossless();
      if (crushed.length <= best.text.length * 0.9) return { text: crushed };
      return { text: tokenizer.count(crushed) < tokenizer.count(best.text) ? crushed : best.text };
    },
  };
}

interface CrushContext {
  readonly anchors: readonly string[];
  readonly terms: WeightedTerms;
  readonly key: string | undefined;
  /** Long multi-line string values already compressed as the text they hold, by node. */
  readonly embedded: ReadonlyMap<JsonNode, string>;
}

/** Compresses every long multi-line string value as the text it holds (see `compressEmbeddedText`). */
async function embeddedTexts(
  trees: readonly JsonNode[],
  input: Pick<TransformInput, 'query' | 'toolName'>,
  context: TransformContext,
): Promise<Map<JsonNode, string>> {
  const found = new Map<JsonNode, string>();
  const stack = [...trees];
  while (stack.length) {
    const node = stack.pop() as JsonNode;
    if (node.kind === 'array') stack.push(...node.items);
    else if (node.kind === 'object') stack.push(...node.entries.map(([, v]) => v));
    else if (node.raw.length > EMBEDDED_MIN_CHARS && node.raw.startsWith('"')) {
      const compressed = await compressEmbeddedText(JSON.parse(node.raw) as string, input, context);
      if (compressed !== undefined) found.set(node, JSON.stringify(compressed));
    }
  }
  return found;
}

function crushNode(node: JsonNode, ctx: CrushContext): JsonNode {
  if (node.kind === 'raw') return shortenString(node, ctx);
  if (node.kind === 'array') {
    const items = node.items;
    if (items.length <= SMALL_COLLECTION) return { kind: 'array', items: items.map((i) => crushNode(i, ctx)) };
    const texts = items.map(serialize);
    const keep = selectMembers(texts, items, ctx);
    return { kind: 'array', items: withGaps(items, keep, ctx, (gap) => markerNode(gap, items, ctx, 'items')) };
  }
  const entries = node.entries;
  // A record (an API object with many fields) keeps every field: only maps keyed by data — versions,
  // dates, ids — are cut, like arrays.
  if (entries.length <= SMALL_COLLECTION * 3 || !isMapLike(entries)) {
    return { kind: 'object', entries: entries.map(([k, v]) => [k, crushNode(v, ctx)]) };
  }
  const texts = entries.map(([k, v]) => `${k}:${serialize(v)}`);
  const keep = selectMembers(
    texts,
    entries.map(([, v]) => v),
    ctx,
  );
  const kept: [string, JsonNode][] = [];
  let i = 0;
  while (i < entries.length) {
    if (keep[i]) {
      const [k, v] = entries[i] as [string, JsonNode];
      kept.push([k, crushNode(v, ctx)]);
      i++;
      continue;
    }
    let j = i;
    while (j < entries.length && !keep[j]) j++;
    kept.push(['"…"', markerRaw({ omitted: j - i, total: entries.length, unit: 'keys' }, ctx)]);
    i = j;
  }
  return { kind: 'object', entries: kept };
}

/** Keys that are data (versions, dates, ids, paths) or values all of one shape mark a map, not a record. */
function isMapLike(entries: readonly [string, JsonNode][]): boolean {
  const dataKeys = entries.filter(([k]) => /\d|\//.test(k)).length;
  if (dataKeys >= entries.length / 2) return true;
  const shape = (v: JsonNode) => (v.kind === 'raw' ? (v.raw.startsWith('"') ? 'string' : 'scalar') : v.kind);
  const first = shape((entries[0] as [string, JsonNode])[1]);
  return entries.length > 60 && entries.every(([, v]) => shape(v) === first);
}

/** NDJSON: documents are the members; kept ones stay one per line, gaps become marker lines. */
function crushDocuments(trees: JsonNode[], docs: string[], ctx: CrushContext): string {
  const keep = selectMembers(docs, trees, ctx);
  const out: string[] = [];
  let i = 0;
  while (i < docs.length) {
    if (keep[i]) {
      out.push(serialize(crushNode(trees[i] as JsonNode, ctx)));
      i++;
      continue;
    }
    let j = i;
    while (j < docs.length && !keep[j]) j++;
    const detail = categoricalDetail(trees.slice(i, j));
    out.push(
      formatMarker({
        omitted: j - i,
        total: docs.length,
        unit: 'lines',
        ...(detail ? { detail } : {}),
        ...(ctx.key ? { key: ctx.key } : {}),
      }),
    );
    i = j;
  }
  return out.join('\n');
}

function withGaps(
  items: readonly JsonNode[],
  keep: Uint8Array,
  ctx: CrushContext,
  gapNode: (gap: readonly JsonNode[]) => JsonNode,
): JsonNode[] {
  const out: JsonNode[] = [];
  let i = 0;
  while (i < items.length) {
    if (keep[i]) {
      out.push(crushNode(items[i] as JsonNode, ctx));
      i++;
      continue;
    }
    let j = i;
    while (j < items.length && !keep[j]) j++;
    const gap = items.slice(i, j);
    const marker = gapNode(gap);
    // A gap barely longer than its own marker is cheaper to show than to hide.
    const gapChars = gap.reduce((sum, item) => sum + serialize(item).length + 1, 0);
    if (gapChars <= serialize(marker).length * 1.5) out.push(...gap.map((item) => crushNode(item, ctx)));
    else out.push(marker);
    i = j;
  }
  return out;
}

function markerNode(gap: readonly JsonNode[], all: readonly JsonNode[], ctx: CrushContext, unit: string): JsonNode {
  const detail = categoricalDetail(gap);
  return markerRaw({ omitted: gap.length, total: all.length, unit, ...(detail ? { detail } : {}) }, ctx);
}

function markerRaw(
  marker: { omitted: number; total: number; unit: string; detail?: string },
  ctx: CrushContext,
): JsonNode {
  return { kind: 'raw', raw: JSON.stringify(formatMarker({ ...marker, ...(ctx.key ? { key: ctx.key } : {}) })) };
}

/**
 * A long string that holds lines of a known kind is compressed as that text; any other very long
 * string keeps its head and tail, unless it holds something the query names.
 */
function shortenString(node: JsonNode & { kind: 'raw' }, ctx: CrushContext): JsonNode {
  const embedded = ctx.embedded.get(node);
  if (embedded !== undefined) return { kind: 'raw', raw: embedded };
  const content = rawStringContent(node);
  if (content === undefined || content.length <= LONG_STRING) return node;
  if (ctx.anchors.some((a) => content.toLowerCase().includes(a.toLowerCase()))) return node;
  const head = safeCut(content, STRING_HEAD);
  const tailStart = safeCut(content, content.length - STRING_TAIL);
  const omitted = tailStart - head;
  const marker = formatMarker({ omitted, total: content.length, unit: 'chars', ...(ctx.key ? { key: ctx.key } : {}) });
  return { kind: 'raw', raw: `"${content.slice(0, head)}${marker}${content.slice(tailStart)}"` };
}

/** A cut position at or before `at` that does not split an escape sequence. */
function safeCut(content: string, at: number): number {
  let cut = at;
  const from = Math.max(0, cut - 6);
  const backslash = content.lastIndexOf('\\', cut - 1);
  if (backslash >= from) cut = backslash;
  // An escape's backslash may itself be escaped: step back over a whole run of backslashes.
  while (cut > 0 && content[cut - 1] === '\\') cut--;
  // Never split a surrogate pair.
  const code = content.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return cut;
}
