import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CcrStore, createMemoryStore, retrieve } from '@headroom/ccr';
import { createSqliteStore } from '@headroom/ccr/sqlite';
import { contentKey, type StoreEntry } from '@headroom/core';
import { rng, round, summarize, toolOutputCorpus } from './corpus.js';

const ENTRIES = 10_000;

/**
 * Entry sizes follow a log-normal shape around 6 kB (clipped to 200 B … 256 kB), like tool
 * outputs that are big enough to compress; text is cut from real tool output.
 */
function workload(): { entries: StoreEntry[]; source: string; bytes: number } {
  const { text, source } = toolOutputCorpus();
  const random = rng(42);
  const entries: StoreEntry[] = [];
  let bytes = 0;
  for (let i = 0; i < ENTRIES; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
    const size = Math.round(Math.min(256_000, Math.max(200, 6000 * Math.exp(gaussian))));
    const start = Math.floor(random() * Math.max(1, text.length - size));
    const original = `entry ${i}\n${text.slice(start, start + size)}`;
    bytes += Buffer.byteLength(original);
    entries.push({
      key: contentKey(original),
      original,
      contentType: 'text',
      toolName: 'bash',
      tokens: Math.ceil(size / 4),
    });
  }
  return { entries, source, bytes };
}

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

async function measure(store: CcrStore, entries: StoreEntry[]) {
  const putMs = entries.map((entry) => time(() => store.put(entry)));
  const random = rng(9);
  const picks = Array.from({ length: 2000 }, () => entries[Math.floor(random() * entries.length)] as StoreEntry);
  const getMs = picks.map((entry) => time(() => store.get(entry.key)));
  const queryMs: number[] = [];
  for (const entry of picks.slice(0, 500)) {
    const started = performance.now();
    await retrieve(store, entry.key, { query: 'error failed timeout' });
    queryMs.push(performance.now() - started);
  }
  const totalPut = putMs.reduce((a, b) => a + b, 0);
  return {
    put: { ...summarize(putMs), perSecond: Math.round((entries.length / totalPut) * 1000) },
    get: summarize(getMs),
    retrieveWithQuery: summarize(queryMs),
  };
}

export async function runCcrStoreBenchmark() {
  const { entries, source, bytes } = workload();
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-'));
  const path = join(dir, 'ccr.db');
  try {
    const sqlite = createSqliteStore({ path });
    const sqliteFigures = await measure(sqlite, entries);
    sqlite.close(); // checkpoints the WAL into the main file

    const batched = createSqliteStore({ path: join(dir, 'batched.db') });
    const batchMs = time(() => {
      for (let i = 0; i < entries.length; i += 100) batched.putMany(entries.slice(i, i + 100));
    });
    batched.close();

    const reopenMs = time(() => createSqliteStore({ path }).close());
    const memoryFigures = await measure(createMemoryStore(), entries);
    return {
      benchmark: 'ccr-store',
      entries: ENTRIES,
      corpus: source,
      originalBytes: bytes,
      sqlite: {
        ...sqliteFigures,
        putManyBatchesOf100PerSecond: Math.round((entries.length / batchMs) * 1000),
        reopenMs: round(reopenMs),
        fileBytes: statSync(path).size,
        fileBytesPerOriginalByte: round(statSync(path).size / bytes),
      },
      memory: memoryFigures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
