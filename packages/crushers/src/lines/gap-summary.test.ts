import { describe, expect, it } from 'vitest';
import { gapSummary } from './gap-summary.js';

describe('gapSummary', () => {
  it('names the records a run holds with the first and last of them, else the time it spans', () => {
    const commits = ['a1b2c3d4e5f6', 'b2c3d4e5f6a1', 'c3d4e5f6a1b2', 'd4e5f6a1b2c3'].flatMap((hash, i) => [
      `commit ${hash}0000`,
      `Author: Dev ${i} <d${i}@example.com>`,
      `Date:   Mon Jul ${6 - i} 17:04:4${i} 2026 +0200`,
      '',
      `    fix ${i}`,
      '',
    ]);
    expect(gapSummary(commits)).toBe('commit ×4 a1b2c3d4e5…d4e5f6a1b2');
    const log = Array.from({ length: 24 }, (_, i) => `2025-06-24 14:36:${String(10 + i)} INFO worker ${i} ready`);
    expect(gapSummary(log)).toBe('2025-06-24 14:36:10…14:36:33');
  });

  it('counts an access log’s status codes', () => {
    const log = Array.from(
      { length: 20 },
      (_, i) => `127.0.0.1 - - [05/Dec/2026 18:36:${10 + i}] "GET /docs/${i}/ HTTP/1.1" ${i === 4 ? 304 : 200} -`,
    );
    expect(gapSummary(log)).toBe('status 200: 19, 304: 1');
  });

  it('counts the values of a logfmt field that takes only a few', () => {
    const log = Array.from(
      { length: 24 },
      (_, i) => `ts=2026-12-05T18:36:${10 + i}Z level=${i % 8 === 0 ? 'warn' : 'info'} msg="request done" id=${i}`,
    );
    expect(gapSummary(log)).toBe('level info: 21, warn: 3');
  });

  it('says nothing it cannot say: no recurring record, no time, a run too short to be worth describing', () => {
    expect(
      gapSummary(Array.from({ length: 24 }, (_, i) => `${'abcdefghijklmnopqrstuvwx'[i]}word number ${i}`)),
    ).toBeUndefined();
    expect(gapSummary(['2024-05-01T10:00:00Z one', '2024-05-01T10:00:05Z two'])).toBeUndefined();
    // Hex fingerprints are not times.
    expect(gapSummary(Array.from({ length: 24 }, (_, i) => `55:41:${10 + i}:AB:CD:EF`))).toBeUndefined();
  });
});
