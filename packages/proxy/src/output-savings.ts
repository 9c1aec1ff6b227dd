import type { TurnKind } from '@headroom/core';

/**
 * Output-token savings are counterfactual: nobody sees the reply a shaped turn would have had
 * unshaped. So they are estimated by comparing shaped turns with unshaped ones of the same stratum
 * (turn kind × prompt size × model), each kept as three running sums (count, sum, sum of squares)
 * that add up across days and across a fleet's replicas. The comparison group is the holdout —
 * conversations kept unshaped at random while the shaper is on, so the figure is *measured* — or,
 * without one, the turns of sessions that began while the shaper was off (*estimated*: those may
 * differ in more than the shaping).
 */

export type OutputArmName = 'off' | 'shaped' | 'holdout';

/** Prompt sizes a stratum spans, in tokens: a longer context draws longer replies. */
const BUCKETS = [2_000, 8_000, 32_000, 128_000] as const;

/** The prompt-size bucket of a request of `tokens` prompt tokens: `<2k`, `<8k`, `<32k`, `<128k` or `128k+`. */
export function sizeBucket(tokens: number): string {
  const limit = BUCKETS.find((b) => tokens < b);
  return limit ? `<${limit / 1000}k` : '128k+';
}

/** Where one reply's output tokens are counted: its session's arm, its turn's kind, its prompt's size. */
export interface OutputStratumKey {
  readonly arm: OutputArmName;
  readonly turn: TurnKind;
  readonly bucket: string;
}

/** The counter names one reply's output adds to (its model is the counter's label). */
export function outputCounterNames(arm: OutputArmName, turn: TurnKind, bucket: string): [string, string, string] {
  const base = `output.${arm}.${turn}.${bucket}`;
  return [`${base}.n`, `${base}.sum`, `${base}.sq`];
}

interface Moments {
  n: number;
  sum: number;
  sq: number;
}

export interface OutputStratum {
  readonly model: string;
  readonly turn: string;
  readonly bucket: string;
  readonly shapedTurns: number;
  readonly controlTurns: number;
  /** Mean output tokens per turn, shaped and in the comparison group. */
  readonly shapedMean: number;
  readonly controlMean: number;
}

export interface OutputSavings {
  /** `measured` against a holdout, `estimated` against unshaped sessions, `none` without a comparison. */
  readonly basis: 'measured' | 'estimated' | 'none';
  /** Output tokens the shaped turns did not spend, summed over the strata with a comparison. */
  readonly savedTokens: number;
  /** 95% interval of `savedTokens`. */
  readonly low: number;
  readonly high: number;
  /** `savedTokens` as a share of what the shaped turns would have spent (0–1; negative when shaping cost more). */
  readonly savedShare: number;
  readonly shapedTurns: number;
  /** Shaped turns in strata with no comparison group (not in the estimate). */
  readonly uncoveredTurns: number;
  readonly controlTurns: number;
  readonly strata: readonly OutputStratum[];
}

/** One counter row as kept: a model label, a name and a value. */
export interface OutputCounterRow {
  readonly model: string;
  readonly name: string;
  readonly value: number;
}

/**
 * The savings the counters show. Per stratum, saved = shaped turns × (control mean − shaped mean),
 * with variance shaped² × (control variance / control turns + shaped variance / shaped turns)
 * (Welch); strata add up, and the interval is ±1.96 standard errors. A stratum needs two turns on
 * each side to count.
 */
export function estimateOutputSavings(rows: Iterable<OutputCounterRow>): OutputSavings {
  const cells = new Map<string, Partial<Record<OutputArmName, Moments>>>();
  for (const row of rows) {
    const match = /^output\.(off|shaped|holdout)\.([a-z]+)\.([^.]+)\.(n|sum|sq)$/.exec(row.name);
    if (!match) continue;
    const [, arm, turn, bucket, moment] = match as unknown as [string, OutputArmName, string, string, keyof Moments];
    const key = `${row.model}\u0000${turn}\u0000${bucket}`;
    const cell = cells.get(key) ?? {};
    const m = cell[arm] ?? { n: 0, sum: 0, sq: 0 };
    m[moment] += row.value;
    cell[arm] = m;
    cells.set(key, cell);
  }
  const holdout = [...cells.values()].some((c) => (c.holdout?.n ?? 0) >= 2 && (c.shaped?.n ?? 0) >= 2);
  const control: OutputArmName = holdout ? 'holdout' : 'off';
  let saved = 0;
  let variance = 0;
  let shapedTurns = 0;
  let uncovered = 0;
  let controlTurns = 0;
  let counterfactual = 0;
  const strata: OutputStratum[] = [];
  for (const [key, cell] of cells) {
    const shaped = cell.shaped;
    if (!shaped || shaped.n === 0) continue;
    shapedTurns += shaped.n;
    const other = cell[control];
    if (!other || other.n < 2 || shaped.n < 2) {
      uncovered += shaped.n;
      continue;
    }
    const [model, turn, bucket] = key.split('\u0000') as [string, string, string];
    const shapedMean = shaped.sum / shaped.n;
    const controlMean = other.sum / other.n;
    saved += shaped.n * (controlMean - shapedMean);
    variance += shaped.n ** 2 * (sampleVariance(other) / other.n + sampleVariance(shaped) / shaped.n);
    counterfactual += shaped.n * controlMean;
    controlTurns += other.n;
    strata.push({ model, turn, bucket, shapedTurns: shaped.n, controlTurns: other.n, shapedMean, controlMean });
  }
  const margin = 1.96 * Math.sqrt(variance);
  const covered = shapedTurns - uncovered;
  return {
    basis: covered > 0 ? (holdout ? 'measured' : 'estimated') : 'none',
    savedTokens: Math.round(saved),
    low: Math.round(saved - margin),
    high: Math.round(saved + margin),
    savedShare: counterfactual > 0 ? Math.round((saved / counterfactual) * 1000) / 1000 : 0,
    shapedTurns,
    uncoveredTurns: uncovered,
    controlTurns,
    strata: strata.sort((a, b) => b.shapedTurns - a.shapedTurns),
  };
}

function sampleVariance(m: Moments): number {
  if (m.n < 2) return 0;
  return Math.max(0, (m.sq - (m.sum * m.sum) / m.n) / (m.n - 1));
}
