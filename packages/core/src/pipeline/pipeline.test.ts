import { describe, expect, it } from 'vitest';
import { contentKey } from '../hash/content-key.js';
import { formatMarker } from '../markers/marker.js';
import { SegmentCollector } from '../request/segment-builder.js';
import type { Store, StoreEntry } from '../store/store.js';
import { getTokenizer } from '../tokenizer/tokenizer.js';
import type { Transform } from '../transform/transform.js';
import type { PipelineEvent } from './events.js';
import { FirstSightCache } from './first-sight-cache.js';
import { createPipeline } from './pipeline.js';

const LINES = Array.from({ length: 400 }, (_, i) => `line ${i} of the build output with some detail`).join('\n');

function toolSegments(...texts: string[]) {
  const collector = new SegmentCollector();
  for (const text of texts) collector.add({ message: 0, role: 'tool', kind: 'tool-result', text, path: [] });
  return collector.segments;
}

/** Keeps the first and last line and marks the rest: a small lossy transform for the pipeline's sake. */
const headTail: Transform = {
  specificationVersion: 'v1',
  name: 'head-tail',
  version: '1',
  contentTypes: ['text'],
  compress({ text }, { retrievalKey }) {
    const lines = text.split('\n');
    if (lines.length < 3) return { text };
    const marker = formatMarker({
      omitted: lines.length - 2,
      total: lines.length,
      unit: 'lines',
      ...(retrievalKey ? { key: retrievalKey } : {}),
    });
    return { text: [lines[0], marker, lines.at(-1)].join('\n') };
  },
};

const memoryStore = () => {
  const entries = new Map<string, StoreEntry>();
  const store: Store = {
    put: (entry) => void entries.set(entry.key, entry),
    get: (key) => {
      const e = entries.get(key);
      return e && { ...e, createdAt: 0, lastAccessAt: 0, hits: 0 };
    },
  };
  return { store, entries };
};

describe('createPipeline', () => {
  it('routes by content type, reports figures and stores originals under their key', async () => {
    const tokenizer = await getTokenizer();
    const { store, entries } = memoryStore();
    const events: PipelineEvent['type'][] = [];
    const pipeline = createPipeline({
      transforms: [headTail],
      store,
      firstSight: new FirstSightCache(),
      onEvent: (e) => events.push(e.type),
    });
    const run = await pipeline.run(toolSegments(LINES, 'short'), tokenizer);
    const key = contentKey(LINES);
    expect(run.replacements.get(0)).toBe(
      `line 0 of the build output with some detail\n[… 398 of 400 lines omitted · headroom:${key} …]\nline 399 of the build output with some detail`,
    );
    expect(run.replacements.has(1)).toBe(false);
    expect(run.ccrKeys).toEqual([key]);
    expect(entries.get(key)?.original).toBe(LINES);
    expect(run.reports.map(({ ms: _ms, ...r }) => r)).toEqual([
      {
        segment: 0,
        name: 'head-tail',
        contentType: 'text',
        tokensBefore: tokenizer.count(LINES),
        tokensAfter: tokenizer.count(run.replacements.get(0) ?? ''),
        ccrKey: key,
      },
      {
        segment: 1,
        name: 'head-tail',
        contentType: 'text',
        tokensBefore: 1,
        tokensAfter: 1,
        skipped: 'below-threshold',
      },
    ]);
    expect(events).toEqual(['segment', 'segment', 'done']);
  });

  it('writes no keys without a store, and still counts omissions', async () => {
    const run = await createPipeline({ transforms: [headTail], firstSight: new FirstSightCache() }).run(
      toolSegments(LINES),
      await getTokenizer(),
    );
    expect(run.replacements.get(0)).toContain('[… 398 of 400 lines omitted …]');
    expect(run.ccrKeys).toEqual([]);
  });

  it('passes a segment through when the transform does not save, throws, or runs late', async () => {
    const tokenizer = await getTokenizer();
    const grow: Transform = { ...headTail, name: 'grow', compress: ({ text }) => ({ text: `${text}\nmore` }) };
    const boom: Transform = {
      ...headTail,
      name: 'boom',
      compress: () => {
        throw new Error('bug');
      },
    };
    const slow: Transform = {
      ...headTail,
      name: 'slow',
      compress: () => new Promise((r) => setTimeout(() => r({ text: 'x' }), 200)),
    };
    const failures: string[] = [];
    for (const [transform, reason] of [
      [grow, 'no-saving'],
      [boom, 'error'],
      [slow, 'deadline'],
    ] as const) {
      const run = await createPipeline({
        transforms: [transform],
        deadlineMs: 50,
        firstSight: new FirstSightCache(),
        onEvent: (e) => e.type === 'transform-failed' && failures.push(e.name),
      }).run(toolSegments(LINES), tokenizer);
      expect(run.replacements.size).toBe(0);
      expect(run.reports[0]?.skipped).toBe(reason);
      expect(run.tokensAfter).toBe(run.tokensBefore);
    }
    expect(failures).toEqual(['boom']);
  });

  it('gives a segment a deadline in proportion to its size, judged by the clock it is given', async () => {
    const tokenizer = await getTokenizer();
    let time = 0;
    // A synchronous compressor that takes 5 s by the test's clock, whatever the machine is doing.
    const fiveSeconds: Transform = {
      ...headTail,
      name: 'five-seconds',
      compress: (input, context) => {
        time += 5000;
        return headTail.compress(input, context);
      },
    };
    const pipeline = () =>
      createPipeline({
        transforms: [fiveSeconds],
        deadlineMs: 2000,
        clock: () => time,
        firstSight: new FirstSightCache(),
      });
    const small = await pipeline().run(toolSegments(LINES), tokenizer);
    expect(small.reports[0]?.skipped).toBe('deadline');
    const large = LINES.repeat(Math.ceil((2.5 * 1024 * 1024) / LINES.length));
    const big = await pipeline().run(toolSegments(large), tokenizer);
    expect(big.reports[0]?.skipped).toBeUndefined();
    expect(big.replacements.size).toBe(1);
  });

  it('keeps the first-sight output even when the transform later changes its mind', async () => {
    const tokenizer = await getTokenizer();
    const firstSight = new FirstSightCache();
    let calls = 0;
    const fickle: Transform = {
      ...headTail,
      compress: (input, ctx) => (++calls === 1 ? headTail.compress(input, ctx) : { text: 'different' }),
    };
    const pipeline = createPipeline({ transforms: [fickle], firstSight });
    const first = await pipeline.run(toolSegments(LINES), tokenizer);
    const second = await pipeline.run(toolSegments(LINES), tokenizer);
    expect(second.replacements.get(0)).toBe(first.replacements.get(0));
    expect(second.reports[0]?.cached).toBe(true);
    expect(calls).toBe(1);
  });

  it('passes a segment through when its original cannot be stored, and compresses it once the store answers', async () => {
    let down = true;
    const kept = new Map<string, string>();
    const flaky: Store = {
      put: async (entry) => {
        if (down) throw new Error('connection refused');
        kept.set(entry.key, entry.original);
      },
      get: () => undefined,
    };
    const firstSight = new FirstSightCache();
    const pipeline = createPipeline({ transforms: [headTail], store: flaky, firstSight });
    const tokenizer = await getTokenizer();
    const during = await pipeline.run(toolSegments(LINES), tokenizer);
    expect(during.replacements.size).toBe(0); // never compressed without a retrievable original
    expect(during.reports[0]?.skipped).toBe('storage-unavailable');
    expect(firstSight.size).toBe(0); // nothing remembered: the next sight decides afresh
    down = false;
    const after = await pipeline.run(toolSegments(LINES), tokenizer);
    expect(after.replacements.get(0)).toMatch(/\[… 398 of 400 lines omitted · headroom:[0-9a-f]{24} …\]/);
    expect(after.ccrKeys).toHaveLength(1);
    expect(kept.get(after.ccrKeys[0] as string)).toBe(LINES);
  });

  it('passes a segment through when the first-sight memory does not answer', async () => {
    const unreachable = {
      get: async () => {
        throw new Error('Redis is down');
      },
      set: async () => undefined,
    };
    const run = await createPipeline({ transforms: [headTail], firstSight: unreachable }).run(
      toolSegments(LINES),
      await getTokenizer(),
    );
    expect(run.replacements.size).toBe(0);
    expect(run.reports[0]?.skipped).toBe('storage-unavailable');
  });

  it('sends the form another process remembered first when two race on one segment', async () => {
    const theirs = { text: 'their compressed form of the segment' };
    const shared = { get: async () => undefined, set: async () => theirs };
    const run = await createPipeline({ transforms: [headTail], firstSight: shared }).run(
      toolSegments(LINES),
      await getTokenizer(),
    );
    expect(run.replacements.get(0)).toBe(theirs.text);
  });

  it('rejects a deadline that is not a positive number', () => {
    expect(() => createPipeline({ transforms: [], deadlineMs: 0 })).toThrow(
      'deadlineMs must be a positive number of milliseconds (got 0)',
    );
  });
});
