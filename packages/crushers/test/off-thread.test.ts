import { readFileSync } from 'node:fs';
import { type CompressResult, FirstSightCache } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { compress, defaultCrushers } from '../dist/index.js';
// The built artifact: the worker thread loads its script from dist.
import { offThread } from '../dist/node.js';

/** A request carrying a large log (compressed off the thread) and a small JSON document (in place). */
function request(): Record<string, unknown> {
  const log = Array.from(
    { length: 12_000 },
    (_, i) =>
      `2026-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z ${i % 997 ? 'INFO' : 'ERROR'} worker ${i % 13} finished job ${i}`,
  ).join('\n');
  const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return {
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'Which jobs failed?' },
      { role: 'tool', tool_call_id: 'a', content: log },
      { role: 'tool', tool_call_id: 'b', content: manifest },
    ],
  };
}

describe('offThread', () => {
  it('compresses large segments on a worker thread into exactly the bytes it would give in place', async () => {
    const body = request();
    // A deadline no busy machine reaches: this is about the bytes, not the time.
    const deadlineMs = 120_000;
    const inPlace = await compress(body, { format: 'openai', firstSight: new FirstSightCache(), deadlineMs });
    const { transforms, ready, close } = offThread(defaultCrushers(), { minChars: 100_000 });
    let offThreadResult: CompressResult<Record<string, unknown>>;
    try {
      await ready();
      offThreadResult = await compress(body, {
        format: 'openai',
        transforms,
        firstSight: new FirstSightCache(),
        deadlineMs,
      });
    } finally {
      await close();
    }
    expect(offThreadResult.request).toEqual(inPlace.request);
    expect(offThreadResult.tokensAfter).toBeLessThan(offThreadResult.tokensBefore / 3);
  });

  it('keeps the event loop free while a large segment is compressed', async () => {
    const { transforms, ready, close } = offThread(defaultCrushers(), { minChars: 100_000 });
    try {
      await ready();
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const result = await compress(request(), {
        format: 'openai',
        transforms,
        firstSight: new FirstSightCache(),
        deadlineMs: 120_000,
      });
      clearInterval(timer);
      expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
      // In place, the loop would not turn once during the log's compression.
      expect(ticks).toBeGreaterThan(1);
    } finally {
      await close();
    }
  });
});
