import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { round } from '../corpus.js';
import { SCALE_TYPES, scaleDataAvailable, scaleInput } from './inputs.js';

const SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 50_000_000];
const MEASURE_ONE = resolve(import.meta.dirname, 'measure-one.ts');

interface Measured {
  ms: number;
  tokensBefore: number;
  tokensAfter: number;
  contentType?: string;
  estimated: boolean;
  peakAboveStartBytes: number;
}

/**
 * The size curve: each content type from 1 kB to 50 MB, each size compressed once in a new
 * process (cold: nothing warmed, nothing remembered). Memory is the process's peak above what it
 * held before reading the input, the input's own string included. The growth of that peak from
 * 10 MB to 50 MB, per byte of input, is the figure the target (≤ 3× the input plus a constant)
 * is read against: a constant cost does not count, a per-byte cost does.
 */
export function runScaleCurve() {
  if (!scaleDataAvailable()) return { skipped: 'datasets not found (set HEADROOM_DATASETS)' } as const;
  const dir = mkdtempSync(join(tmpdir(), 'headroom-scale-'));
  const rows: ScaleRow[] = [];
  try {
    for (const type of SCALE_TYPES) {
      for (const size of SIZES) {
        const file = join(dir, `${type}-${size}.txt`);
        const text = scaleInput(type, size);
        const bytes = Buffer.byteLength(text);
        writeFileSync(file, text);
        const m = measure(file);
        rmSync(file);
        rows.push({
          type,
          detectedAs: m.contentType ?? 'none',
          bytes,
          ms: round(m.ms, 1),
          mbPerSecond: round(bytes / 1e6 / (m.ms / 1000), 2),
          tokensBefore: m.tokensBefore,
          tokensAfter: m.tokensAfter,
          saved: round(1 - m.tokensAfter / Math.max(1, m.tokensBefore), 3),
          tokensEstimated: m.estimated,
          peakMemoryMB: round(m.peakAboveStartBytes / 1e6, 1),
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const perType = SCALE_TYPES.map((type) => {
    const mid = rows.find((r) => r.type === type && r.bytes >= 9e6) as ScaleRow;
    const top = rows.find((r) => r.type === type && r.bytes >= 49e6) as ScaleRow;
    return {
      type,
      mbPerSecondAt50MB: top.mbPerSecond,
      memoryPerInputByte: round(((top.peakMemoryMB - mid.peakMemoryMB) * 1e6) / (top.bytes - mid.bytes), 2),
    };
  });
  return { rows, perType };
}

export interface ScaleRow {
  type: string;
  detectedAs: string;
  bytes: number;
  ms: number;
  mbPerSecond: number;
  tokensBefore: number;
  tokensAfter: number;
  saved: number;
  tokensEstimated: boolean;
  peakMemoryMB: number;
}

const SIZE_LABEL: Record<number, string> = {
  1000: '1 kB',
  10000: '10 kB',
  100000: '100 kB',
  1000000: '1 MB',
  10000000: '10 MB',
  50000000: '50 MB',
};

/** The curve as Markdown: ms and peak MB per type (rows) and size (columns). */
export function scaleMarkdown(scale: ReturnType<typeof runScaleCurve>): string[] {
  if (!scale.rows || !scale.perType) return [`Size curve: ${scale.skipped}.`];
  const sizes = SIZES;
  const head = `| type | ${sizes.map((s) => SIZE_LABEL[s] ?? String(s)).join(' | ')} | MB/s at 50 MB | memory per input byte (10→50 MB) |`;
  const lines = [head, `|---|${sizes.map(() => '---:').join('|')}|---:|---:|`];
  for (const t of scale.perType) {
    const cells = scale.rows
      .filter((r) => r.type === t.type)
      .map((r) => `${r.ms} ms · ${r.peakMemoryMB} MB · −${Math.round(r.saved * 100)}%`);
    lines.push(`| ${t.type} | ${cells.join(' | ')} | ${t.mbPerSecondAt50MB} | ${t.memoryPerInputByte} |`);
  }
  return lines;
}

function measure(file: string): Measured {
  const run = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', MEASURE_ONE, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (run.status !== 0) throw new Error(`measuring ${file} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() as string) as Measured;
}
