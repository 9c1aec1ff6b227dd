import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where the offline datasets live: HEADROOM_DATASETS, else ../shared/datasets beside the checkout. */
export function datasetsDir(): string {
  return process.env.HEADROOM_DATASETS ?? resolve(import.meta.dirname, '../../../shared/datasets');
}

/** A small deterministic PRNG (mulberry32), so every run measures the same workload. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Real tool output to cut entries from: the `agent_tool_outputs_dev` cases (git logs, diffs,
 * grep, find, ls, logs, JSON). Falls back to generated log lines when the datasets are absent,
 * and says which it used.
 */
export function toolOutputCorpus(): { text: string; source: string } {
  const dir = join(datasetsDir(), 'agent_tool_outputs_dev');
  if (existsSync(dir)) {
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { content: string }).content)
      .join('\n');
    return { text, source: `agent_tool_outputs_dev (${text.length.toLocaleString('en-US')} chars)` };
  }
  const random = rng(7);
  const lines = Array.from(
    { length: 20_000 },
    (_, i) =>
      `2024-05-01T10:${String(i % 60).padStart(2, '0')}:00Z ${random() < 0.05 ? 'ERROR' : 'INFO'} worker-${i % 17} handled job ${i} in ${Math.floor(random() * 900)}ms`,
  );
  return { text: lines.join('\n'), source: 'generated log lines (datasets not found)' };
}

/** Percentiles of a list of milliseconds. */
export function summarize(ms: number[]): { p50: number; p95: number; p99: number; mean: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: round(ms.reduce((a, b) => a + b, 0) / (ms.length || 1)) };
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
