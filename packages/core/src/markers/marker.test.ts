import { describe, expect, it } from 'vitest';
import { formatMarker, hasMarkers, parseMarkers, validateMarkers } from './marker.js';
import { formatRetrievedHeader, isRetrievedContent } from './retrieved.js';

const KEY = '8f3a9c2b1d4e5f60a7b8c9d0';

describe('markers', () => {
  it('formats the one marker shape, with and without detail and key', () => {
    expect(formatMarker({ omitted: 412, total: 500, unit: 'lines' })).toBe('[… 412 of 500 lines omitted …]');
    expect(
      formatMarker({ omitted: 37, total: 120, unit: 'rows', detail: 'status=ok: 30, status=skipped: 7', key: KEY }),
    ).toBe(`[… 37 of 120 rows omitted (status=ok: 30, status=skipped: 7) · headroom:${KEY} …]`);
    expect(formatMarker({ omitted: 3, total: 3, unit: 'log lines' })).toBe('[… 3 of 3 log lines omitted …]');
  });

  it('parses what it formats, with positions', () => {
    const a = formatMarker({ omitted: 5, total: 9, unit: 'items', key: KEY });
    const b = formatMarker({ omitted: 1, total: 2, unit: 'chars', detail: 'long string' });
    const text = `first\n${a}\nmiddle ${b} end`;
    expect(parseMarkers(text)).toEqual([
      { omitted: 5, total: 9, unit: 'items', key: KEY, start: 6, end: 6 + a.length, raw: a },
      {
        omitted: 1,
        total: 2,
        unit: 'chars',
        detail: 'long string',
        start: text.indexOf(b),
        end: text.indexOf(b) + b.length,
        raw: b,
      },
    ]);
    expect(hasMarkers(text)).toBe(true);
    expect(hasMarkers('[… nothing here]')).toBe(false);
  });

  it.each([
    [{ omitted: 0, total: 5, unit: 'lines' }, 'marker counts must satisfy 1 <= omitted <= total (got 0 of 5)'],
    [{ omitted: 6, total: 5, unit: 'lines' }, 'marker counts must satisfy 1 <= omitted <= total (got 6 of 5)'],
    [{ omitted: 1, total: 5, unit: 'Lines!' }, 'marker unit must be lowercase words (got "Lines!")'],
    [
      { omitted: 1, total: 5, unit: 'lines', detail: 'a (b)' },
      'marker detail must not contain parentheses, brackets or newlines',
    ],
    [{ omitted: 1, total: 5, unit: 'lines', key: 'abc' }, 'not a CCR key: "abc"'],
  ])('refuses an impossible marker %j', (marker, message) => {
    expect(() => formatMarker(marker)).toThrow(new RangeError(message));
  });

  it('reports malformed and nested markers', () => {
    expect(validateMarkers(`ok ${formatMarker({ omitted: 1, total: 2, unit: 'lines' })}`)).toEqual([]);
    expect(validateMarkers('bad [… 3 of lines omitted …]')).toEqual(['malformed marker at offset 4']);
    expect(validateMarkers('[… 1 of 2 lines omitted (see [… 1 of 2 rows omitted …]) …]')).toEqual([
      'nested marker at offset 0',
    ]);
  });
});

describe('retrieved header', () => {
  it('marks retrieved content so no instance compresses it again', () => {
    const header = formatRetrievedHeader(KEY, 'original, 500 lines]\nx');
    expect(header).toBe(`[headroom retrieved ${KEY}: original, 500 lines  x]`);
    expect(isRetrievedContent(`${header}\nbody`)).toBe(true);
    expect(isRetrievedContent('body [headroom retrieved x]')).toBe(false);
  });
});
