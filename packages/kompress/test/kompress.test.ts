import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressText, parseMarkers } from '@headroom/core';
import { createProseCrusher, detectContentType } from '@headroom/crushers';
import { createKompress, DeadlineError, readModelDir, Scorer, WorkerPool } from '@headroom/kompress';
import { afterAll, describe, expect, it } from 'vitest';
import { tinyModel } from '../src/testing/index.js';

const KEEP = ['rollout', 'paused', 'quota', 'region', 'deploy', 'failed', 'cluster', 'nodes', 'memory', 'pressure'];
const DROP = ['the', 'was', 'because', 'of', 'a', 'and', 'it', 'then', 'so', 'we', 'that', 'in', 'on', 'is'];
const model = tinyModel(KEEP, DROP);

/** Prose where the model keeps KEEP words and drops DROP words; numbers, paths and quotes are forced. */
const prose = [
  'The rollout was paused because of a quota in the region and it failed then.',
  'So we saw that the cluster nodes were on memory pressure and the deploy failed in region eu-west-3.',
  '',
  'The deploy log is in /var/log/deploy.log and the error said "quota exceeded now" so it paused.',
  'Then the rollout failed again because the nodes in the cluster was on memory pressure.',
  'It is a quota problem on the region, so we paused the deploy and the rollout.',
].join('\n');

const closing: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(closing.map((c) => c.close()));
});
/** A Kompress whose deadline leaves room for a worker to start on a busy machine, unless a test sets one. */
const kompress = (options: Parameters<typeof createKompress>[0]) => {
  const transform = createKompress({ deadlineMs: 30_000, ...options });
  closing.push(transform);
  return transform;
};
const context = (retrievalKey?: string) => ({
  tokenizer: { count: (t: string) => Math.ceil(t.length / 4), encoding: 'o200k_base', estimate: false } as never,
  signal: new AbortController().signal,
  ...(retrievalKey ? { retrievalKey } : {}),
});

describe('Kompress with a model', () => {
  it('keeps what the model keeps and every forced word, line by line, and counts the rest', async () => {
    const transform = kompress({ modelDir: model.dir, rate: 0.3 });
    const { text, via } = await transform.compress(
      { text: prose, contentType: 'prose', query: '' },
      context('0123456789abcdef01234567'),
    );
    expect(via).toBeUndefined();
    const lines = text.split('\n');
    expect(lines).toHaveLength(prose.split('\n').length + 1);
    expect(lines[2]).toBe('');
    for (const word of [
      'rollout',
      'quota',
      'cluster',
      'eu-west-3.',
      '/var/log/deploy.log',
      '"quota',
      'exceeded',
      'now"',
    ])
      expect(text).toContain(word);
    expect(lines[0]).toBe('rollout paused quota region failed');
    const [marker] = parseMarkers(text);
    const words = prose.split(/\s+/).filter(Boolean).length;
    expect(marker).toMatchObject({ total: words, unit: 'words', key: '0123456789abcdef01234567' });
    expect(text.split(/\s+/).filter(Boolean).length - 9).toBe(words - (marker?.omitted ?? 0));
    expect(transform.status()).toMatchObject({ available: true, compressed: 1, fallbacks: 0 });
  });

  it('always keeps the words of the query', async () => {
    const transform = kompress({ modelDir: model.dir, rate: 0.1 });
    const { text } = await transform.compress(
      { text: prose, contentType: 'prose', query: 'why was it paused because' },
      context(),
    );
    expect(text.split('\n')[0]).toContain('because');
  });

  it('scores every word of a text longer than the window, chunk edges included', async () => {
    const small = tinyModel(KEEP, DROP);
    writeFileSync(
      join(small.dir, 'tokenizer_config.json'),
      JSON.stringify({ do_lower_case: true, model_max_length: 16 }),
    );
    const scorer = await Scorer.load(readModelDir(small.dir));
    const words = Array.from(
      { length: 300 },
      (_, i) => (i % 3 === 0 ? KEEP[i % KEEP.length] : DROP[i % DROP.length]) as string,
    );
    const scores = await scorer.score(words);
    expect(scores).toHaveLength(300);
    words.forEach((word, i) => {
      if (KEEP.includes(word)) expect(scores[i]).toBeGreaterThan(0.99);
      else expect(scores[i]).toBeLessThan(0.01);
    });
  });
});

describe('Kompress without a model, or out of time', () => {
  it('falls back to the extractive compressor, says why, and the figures name what ran', async () => {
    const transform = kompress({ modelDir: '/nonexistent/model', fallback: createProseCrusher() });
    expect(transform.status()).toMatchObject({ available: false });
    expect(transform.status().reason).toMatch(/does not exist: set HEADROOM_KOMPRESS_MODEL/);
    const long = Array.from(
      { length: 40 },
      (_, i) => `Sentence ${i} talks about the rollout and the quota in some detail here.`,
    ).join(' ');
    const result = await compressText(long, {
      transforms: [transform],
      detect: detectContentType,
      query: 'rollout 17',
    });
    expect(result.transforms[0]?.name).toBe('prose-crusher');
    expect(transform.status().fallbacks).toBe(1);
  });

  it('reports kompress in the figures when the model ran', async () => {
    const transform = kompress({ modelDir: model.dir, rate: 0.4 });
    const long = Array.from({ length: 30 }, () => prose).join('\n\n');
    const result = await compressText(long, { transforms: [transform], detect: detectContentType, deadlineMs: 30_000 });
    expect(result.transforms[0]?.name).toBe('kompress');
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
  });

  it('abandons an inference past its deadline and falls back', async () => {
    const transform = kompress({ modelDir: model.dir, deadlineMs: 1, fallback: createProseCrusher() });
    const long = Array.from({ length: 200 }, () => prose).join('\n\n');
    const result = await transform.compress({ text: long, contentType: 'prose', query: '' }, context());
    expect(result.via).toBe('prose-crusher');
    expect(transform.status().lastFallback).toMatch(/did not finish within 1 ms/);
  });
});

describe('WorkerPool', () => {
  it('survives a crashing, an exiting and a hanging job, and keeps serving', async () => {
    const pool = new WorkerPool({ script: new URL('./fixtures/flaky-worker.mjs', import.meta.url), size: 1 });
    closing.push(pool);
    expect(await pool.run('a', 5000)).toBe('echo a');
    await expect(pool.run('crash', 5000)).rejects.toThrow(/crashed: boom/);
    expect(await pool.run('b', 5000)).toBe('echo b');
    await expect(pool.run('exit', 5000)).rejects.toThrow(/exited with code 3/);
    expect(await pool.run('ready again', 5000)).toBe('echo ready again');
    // Hangs in the worker: abandoned at the deadline, the worker replaced.
    await expect(pool.run('hang', 1000)).rejects.toBeInstanceOf(DeadlineError);
    expect(await pool.run('c', 5000)).toBe('echo c');
    expect(pool.stats()).toMatchObject({ timeouts: 1, crashes: 2, restarts: 3 });
  });
});
