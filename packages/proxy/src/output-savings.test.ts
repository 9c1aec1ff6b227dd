import { describe, expect, it } from 'vitest';
import { estimateOutputSavings, type OutputCounterRow, outputCounterNames, sizeBucket } from './output-savings.js';

/** A seeded uniform generator (mulberry32): the same draws on every run. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Log-normal output lengths with the given mean (replies are skewed: most short, a few long). */
function lengths(random: () => number, n: number, mean: number, sigma = 0.8): number[] {
  const mu = Math.log(mean) - sigma ** 2 / 2;
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.round(Math.exp(mu + sigma * z));
  });
}

function rows(
  model: string,
  arm: 'off' | 'shaped' | 'holdout',
  turn: 'ask' | 'resume',
  bucket: string,
  values: number[],
) {
  const [n, sum, sq] = outputCounterNames(arm, turn, bucket);
  return [
    { model, name: n, value: values.length },
    { model, name: sum, value: values.reduce((s, v) => s + v, 0) },
    { model, name: sq, value: values.reduce((s, v) => s + v * v, 0) },
  ];
}

/** Strata of a synthetic A/B test: the control means, and a shaping that cuts every reply by `effect`. */
const STRATA = [
  { model: 'claude-sonnet-4-6', turn: 'ask', bucket: '<8k', mean: 900, shaped: 120, control: 40 },
  { model: 'claude-sonnet-4-6', turn: 'resume', bucket: '<32k', mean: 300, shaped: 400, control: 90 },
  { model: 'gpt-5', turn: 'resume', bucket: '<128k', mean: 450, shaped: 150, control: 30 },
] as const;

function experiment(seed: number, effect: number, arm: 'off' | 'holdout') {
  const random = uniform(seed);
  const all: OutputCounterRow[] = [];
  let truth = 0;
  for (const s of STRATA) {
    all.push(...rows(s.model, 'shaped', s.turn, s.bucket, lengths(random, s.shaped, s.mean * (1 - effect))));
    all.push(...rows(s.model, arm, s.turn, s.bucket, lengths(random, s.control, s.mean)));
    truth += s.shaped * s.mean * effect;
  }
  return { estimate: estimateOutputSavings(all), truth };
}

describe('the output-savings estimate on a synthetic A/B test whose true effect is known', () => {
  it('covers the true saving with its 95% interval about 95% of the time, centred on it', () => {
    let covered = 0;
    let bias = 0;
    const runs = 400;
    for (let seed = 1; seed <= runs; seed++) {
      const { estimate, truth } = experiment(seed, 0.3, 'holdout');
      if (estimate.low <= truth && truth <= estimate.high) covered++;
      bias += (estimate.savedTokens - truth) / truth;
    }
    expect(covered / runs).toBeGreaterThan(0.9);
    expect(covered / runs).toBeLessThan(0.99);
    // Unbiased: over many experiments the estimates centre on the truth.
    expect(Math.abs(bias / runs)).toBeLessThan(0.03);
  });

  it('finds no saving where there is none: the interval holds zero about 95% of the time', () => {
    let holdsZero = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { estimate } = experiment(seed, 0, 'holdout');
      if (estimate.low <= 0 && 0 <= estimate.high) holdsZero++;
    }
    expect(holdsZero / 200).toBeGreaterThan(0.9);
  });

  it('says measured against a holdout, estimated against unshaped sessions, and none without a comparison', () => {
    const measured = experiment(7, 0.3, 'holdout').estimate;
    expect(measured.basis).toBe('measured');
    expect(measured.savedShare).toBeGreaterThan(0.15);
    expect(measured.savedShare).toBeLessThan(0.45);
    expect(measured.strata).toHaveLength(3);
    expect(experiment(7, 0.3, 'off').estimate.basis).toBe('estimated');
    const alone = estimateOutputSavings(rows('m', 'shaped', 'ask', '<2k', [100, 200, 300]));
    expect(alone).toMatchObject({ basis: 'none', shapedTurns: 3, uncoveredTurns: 3, savedTokens: 0 });
  });

  it('compares only like with like: a stratum without a comparison group is left out and counted', () => {
    const all = [
      ...rows('m', 'shaped', 'ask', '<2k', [100, 120, 110]),
      ...rows('m', 'off', 'ask', '<2k', [200, 220, 210]),
      ...rows('m', 'shaped', 'resume', '<2k', [50, 60]),
      ...rows('m', 'off', 'resume', '<32k', [500, 600]),
    ];
    const estimate = estimateOutputSavings(all);
    expect(estimate.savedTokens).toBe(300);
    expect(estimate.uncoveredTurns).toBe(2);
    expect(estimate.shapedTurns).toBe(5);
  });

  it('buckets prompts by size', () => {
    expect([0, 1999, 2000, 31_999, 127_999, 128_000, 1_000_000].map(sizeBucket)).toEqual([
      '<2k',
      '<2k',
      '<8k',
      '<32k',
      '<128k',
      '128k+',
      '128k+',
    ]);
  });
});
