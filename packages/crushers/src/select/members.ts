import { anchorHits, bm25Scores, type WeightedTerms } from '@headroom/core';
import type { JsonNode } from '../json/json-tree.js';
import { spreadBlocks } from '../lines/line-crusher.js';

/** Collections up to this many members are never cut. */
export const SMALL_COLLECTION = 12;

/** Values that carry a failure: such members always stay. */
export const ERROR_VALUE =
  /\b(error|errors|failed|failure|exception|fatal|critical|denied|timeout|timed out|invalid|panic)\b/i;

/** What a member selection looks for. */
export interface MemberQuery {
  readonly anchors: readonly string[];
  readonly terms: WeightedTerms;
  /**
   * The original can be retrieved by key. Omitted members of a homogeneous collection then need
   * no look-alike stand-ins: an example of each category and a few members across the range do.
   */
  readonly key?: string | undefined;
}

/** Runs that differ from one look-alike member to the next: numbers, and hex ids holding a digit. */
const VARYING = /[0-9a-f]*\d[0-9a-f]*/gi;
/** A query match scoring at least this share of the best match's score is a strong one. */
const STRONG_MATCH = 0.5;
/** Members across the range that stay beside the examples when look-alikes are left out. */
const RANGE_SAMPLE = 5;
/** A collection is homogeneous when this share of its members hold every key of its commonest key set. */
const HOMOGENEOUS = 0.8;

/** How many members of an n-member array or object stay: 46 of 400, 69 of 1,000. */
export function memberBudget(n: number): number {
  return n <= SMALL_COLLECTION ? n : Math.min(n, Math.round(6 + 2 * Math.sqrt(n)));
}

/** Which members of a collection stay. */
export function selectMembers(texts: readonly string[], nodes: readonly JsonNode[], ctx: MemberQuery): Uint8Array {
  const n = texts.length;
  const keep = new Uint8Array(n);
  const mark = (i: number) => {
    if (i >= 0 && i < n) keep[i] = 1;
  };
  for (const i of [0, 1, 2, n - 2, n - 1]) mark(i);
  const budget = memberBudget(n);

  const shapes = shapeCounts(nodes);
  const lookAlikesRetrievable = ctx.key !== undefined && isHomogeneous(nodes, shapes);
  // With the original retrievable, a member like one already shown (the same text but for its
  // numbers and ids) adds only its count, which the marker gives.
  const seen = new Set<string>();
  const firstOfItsKind = (i: number): boolean => {
    if (!lookAlikesRetrievable) return true;
    const shape = (texts[i] as string).replace(VARYING, '#');
    if (seen.has(shape)) return false;
    seen.add(shape);
    return true;
  };
  for (const i of anchorHits(texts, ctx.anchors)) if (firstOfItsKind(i)) mark(i);
  let errors = 0;
  texts.forEach((t, i) => {
    if (errors >= budget || !ERROR_VALUE.test(t) || !firstOfItsKind(i)) return;
    mark(i);
    errors++;
  });
  for (const i of rareValueMembers(nodes)) mark(i);
  for (const i of numericOutliers(nodes)) mark(i);
  for (const i of rareShapes(nodes, shapes)) mark(i);

  let kept = keep.reduce((a, b) => a + b, 0);
  if (ctx.terms.terms.length) {
    const scores = bm25Scores(texts, ctx.terms);
    // Look-alikes that share a common word with the query are not matches worth a row each when
    // a retrieve can rank them: only those scoring near the best stay.
    const best = scores.reduce((a, b) => Math.max(a, b), 0);
    const floor = lookAlikesRetrievable ? best * STRONG_MATCH : 0;
    const ranked = [...scores.keys()]
      .filter((i) => (scores[i] as number) > floor)
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    for (const i of ranked) {
      if (kept >= budget) break;
      if (!keep[i]) {
        keep[i] = 1;
        kept++;
      }
    }
  }
  // Each distinct category has its example, so every value of a status or level is seen.
  for (const i of categoryExamples(nodes, keep)) {
    if (!keep[i]) kept++;
    mark(i);
  }
  // Look-alike members add nothing a retrieve cannot give back: a few show the range. Without a
  // key, evenly spaced blocks fill the budget: a sample of the whole range.
  spreadBlocks(keep, lookAlikesRetrievable ? RANGE_SAMPLE : budget - kept);
  return keep;
}

/** The key set of an object member, or undefined for anything else. */
function shapeOf(node: JsonNode): string | undefined {
  return node.kind === 'object' ? node.entries.map(([k]) => k).join(',') : undefined;
}

function shapeCounts(nodes: readonly JsonNode[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>();
  for (const node of nodes) {
    const shape = shapeOf(node);
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  return counts;
}

/**
 * Rows of one kind: nearly all members are objects, and the keys of the commonest set are in most
 * of them (an extra field such as an error's `exception` does not make a member another kind).
 */
function isHomogeneous(nodes: readonly JsonNode[], shapes: ReadonlyMap<string | undefined, number>): boolean {
  let top: string | undefined;
  let topCount = 0;
  for (const [shape, count] of shapes) {
    if (shape !== undefined && count > topCount) [top, topCount] = [shape, count];
  }
  if (top === undefined) return false;
  const core = top.split(',');
  let objects = 0;
  let withCore = 0;
  for (const node of nodes) {
    if (node.kind !== 'object') continue;
    objects++;
    const keys = new Set(node.entries.map(([k]) => k));
    if (core.every((k) => keys.has(k))) withCore++;
  }
  return objects >= nodes.length * 0.9 && withCore >= nodes.length * HOMOGENEOUS;
}

/** Members whose keys only a few others share (an extra field, a missing one): each stays. */
function rareShapes(nodes: readonly JsonNode[], counts: ReadonlyMap<string | undefined, number>): number[] {
  const rare = Math.max(1, Math.floor(nodes.length * 0.02));
  return nodes.flatMap((node, i) => ((counts.get(shapeOf(node)) as number) <= rare ? [i] : []));
}

/** For each categorical field, the first member of each value no kept member shows yet. */
function categoryExamples(nodes: readonly JsonNode[], keep: Uint8Array): number[] {
  const out: number[] = [];
  for (const values of fieldValues(nodes).values()) {
    const distinct = new Set(values.map(([, v]) => v));
    // Values that repeat make a category; a handful of ids, each once, do not.
    if (distinct.size < 2 || distinct.size > CATEGORY_VALUES || distinct.size > values.length / 2) continue;
    const shown = new Set(values.filter(([i]) => keep[i]).map(([, v]) => v));
    for (const [i, v] of values) {
      if (shown.has(v)) continue;
      shown.add(v);
      out.push(i);
    }
  }
  return out;
}

/** A field with at most this many distinct values is a category (status, source, level). */
const CATEGORY_VALUES = 12;
/** The most distinct values a field may have for its rare ones to count as anomalies. */
const RARE_FIELD_VALUES = 24;

/** For object members: the first member carrying each rare value of a categorical field. */
function rareValueMembers(nodes: readonly JsonNode[]): number[] {
  const byField = fieldValues(nodes);
  const out: number[] = [];
  const rare = Math.max(1, Math.floor(nodes.length * 0.02));
  for (const values of byField.values()) {
    const counts = new Map<string, number[]>();
    for (const [i, v] of values) {
      const members = counts.get(v);
      if (members) members.push(i);
      else counts.set(v, [i]);
    }
    // A field of hundreds of distinct values (a score, a price) is not a category, however long the array.
    if (counts.size < 2 || counts.size > Math.min(RARE_FIELD_VALUES, Math.max(6, nodes.length / 10))) continue;
    for (const members of counts.values()) if (members.length <= rare) out.push(members[0] as number);
  }
  return out;
}

/** Members whose numeric field lies far outside the rest (beyond 5 median absolute deviations). */
function numericOutliers(nodes: readonly JsonNode[]): number[] {
  const out: number[] = [];
  for (const values of fieldValues(nodes).values()) {
    const nums = values
      .filter(([, v]) => /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v))
      .map(([i, v]) => [i, Number(v)] as const);
    if (nums.length < 10) continue;
    const sorted = nums.map(([, x]) => x).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    const deviations = sorted.map((x) => Math.abs(x - median)).sort((a, b) => a - b);
    const mad = deviations[Math.floor(deviations.length / 2)] as number;
    if (mad === 0) continue;
    const far = nums
      .filter(([, x]) => Math.abs(x - median) > 5 * mad)
      .sort((a, b) => Math.abs(b[1] - median) - Math.abs(a[1] - median));
    for (const [i] of far.slice(0, 3)) out.push(i);
  }
  return out;
}

/** Scalar values of each top-level field across object members: field → [member index, raw value]. */
function fieldValues(nodes: readonly JsonNode[]): Map<string, [number, string][]> {
  const fields = new Map<string, [number, string][]>();
  nodes.forEach((node, i) => {
    if (node.kind !== 'object') return;
    for (const [k, v] of node.entries) {
      if (v.kind !== 'raw') continue;
      const list = fields.get(k);
      if (list) list.push([i, v.raw]);
      else fields.set(k, [[i, v.raw]]);
    }
  });
  return fields;
}

/** `status=ok: 300, status=skipped: 52` for up to two low-cardinality fields of the omitted members. */
export function categoricalDetail(gap: readonly JsonNode[]): string | undefined {
  const parts: string[] = [];
  if (gap.length < 4) return undefined;
  for (const [field, values] of fieldValues(gap)) {
    if (values.length < gap.length) continue;
    const counts = new Map<string, number>();
    for (const [, v] of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    // Only fields whose values repeat say something as counts; names and ids do not.
    if (counts.size < 2 || counts.size > 4 || counts.size > gap.length / 2) continue;
    const name = field.slice(1, -1);
    const shown = [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([v, c]) => `${name}=${v.replace(/^"|"$/g, '')}: ${c}`)
      .join(', ');
    if (!/[()[\]\n\\]/.test(shown) && shown.length <= 160) parts.push(shown);
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join('; ') : undefined;
}
