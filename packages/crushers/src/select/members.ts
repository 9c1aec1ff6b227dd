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
}

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

  for (const i of anchorHits(texts, ctx.anchors)) mark(i);
  let errors = 0;
  texts.forEach((t, i) => {
    if (errors < budget && ERROR_VALUE.test(t)) {
      mark(i);
      errors++;
    }
  });
  for (const i of rareValueMembers(nodes)) mark(i);
  for (const i of numericOutliers(nodes)) mark(i);

  let kept = keep.reduce((a, b) => a + b, 0);
  if (ctx.terms.terms.length) {
    const scores = bm25Scores(texts, ctx.terms);
    const ranked = [...scores.keys()]
      .filter((i) => (scores[i] as number) > 0)
      .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
    for (const i of ranked) {
      if (kept >= budget) break;
      if (!keep[i]) {
        keep[i] = 1;
        kept++;
      }
    }
  }
  // Fill the rest of the budget with evenly spaced blocks of members: a sample of the whole range.
  spreadBlocks(keep, budget - kept);
  return keep;
}

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
    if (counts.size < 2 || counts.size > Math.max(6, nodes.length / 10)) continue;
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
