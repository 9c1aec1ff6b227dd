import { parseMarkers } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { foldToFit } from './fold-to-fit.js';

const KEY = '0123456789abcdef01234567';

describe('foldToFit', () => {
  const log = [
    'npm run build',
    ...Array.from({ length: 400 }, (_, i) => `INFO compiled src/module_${i}.ts in ${i % 90} ms`),
    'ERROR src/module_17.ts(4,2): cannot find name config',
    ...Array.from({ length: 200 }, (_, i) => `DEBUG cache entry ${i} written`),
    'Build failed: 1 error, 0 warnings',
    'exit code 1',
  ].join('\n');

  it('keeps the first and last lines, the summaries and the errors, and counts every other line with the key', () => {
    const folded = foldToFit(log, KEY);
    const lines = folded.split('\n');
    expect(lines.slice(0, 3)).toEqual(log.split('\n').slice(0, 3));
    expect(lines.at(-1)).toBe('exit code 1');
    expect(folded).toContain('ERROR src/module_17.ts(4,2): cannot find name config');
    expect(folded).toContain('Build failed: 1 error, 0 warnings');
    const markers = parseMarkers(folded);
    expect(markers.every((m) => m.key === KEY && m.total === 604 && m.unit === 'lines')).toBe(true);
    const kept = lines.filter((line) => !parseMarkers(line).length).length;
    expect(kept + markers.reduce((sum, m) => sum + m.omitted, 0)).toBe(604);
    expect(folded.length).toBeLessThan(log.length / 20);
    expect(foldToFit(log, KEY)).toBe(folded);
  });

  it('cuts a text of one long line by characters, start and end verbatim', () => {
    const json = JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ id: i, name: `item ${i}` })));
    const folded = foldToFit(json, KEY);
    const [marker] = parseMarkers(folded);
    expect(marker).toMatchObject({ unit: 'chars', total: json.length, key: KEY });
    const [head, , tail] = folded.split('\n');
    expect(json.startsWith(head as string)).toBe(true);
    expect(json.endsWith(tail as string)).toBe(true);
    expect((head as string).length + (marker?.omitted ?? 0) + (tail as string).length).toBe(json.length);
  });

  it('leaves a small output alone, and marks without a key when none is given', () => {
    expect(foldToFit('ok\ndone', KEY)).toBe('ok\ndone');
    expect(parseMarkers(foldToFit(log, undefined)).every((m) => m.key === undefined)).toBe(true);
  });
});
