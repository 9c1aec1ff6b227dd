import { FirstSightCache, parseMarkers } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { compressText } from '../compress.js';
import { splitSections } from './sections.js';

const issues = fixture('github-issues.json');
const diff = fixture('git-diff.txt').split('\n').slice(0, 400).join('\n');
const log = (from: number, n: number) =>
  Array.from(
    { length: n },
    (_, i) => `2024-05-01T10:00:${String((from + i) % 60).padStart(2, '0')}Z INFO step ${from + i} done`,
  );

describe('splitSections', () => {
  it('cuts embedded JSON documents and diffs out of surrounding output', () => {
    const lines = [
      ...log(0, 30),
      '$ curl -s api/issues',
      ...issues.split('\n'),
      '$ git diff',
      ...diff.split('\n'),
      ...log(30, 30),
    ];
    const jsonLines = issues.split('\n').length;
    const diffLines = diff.split('\n').length;
    expect(splitSections(lines)).toEqual([
      { start: 0, end: 31, type: undefined },
      { start: 31, end: 31 + jsonLines, type: 'json' },
      { start: 31 + jsonLines, end: 32 + jsonLines, type: undefined },
      { start: 32 + jsonLines, end: 32 + jsonLines + diffLines, type: 'diff' },
      { start: 32 + jsonLines + diffLines, end: lines.length, type: undefined },
    ]);
  });

  it('leaves plain output as one section and ignores short or broken JSON', () => {
    const lines = [...log(0, 20), '{"short": true}', '{', '  "broken": ', ...log(20, 20)];
    expect(splitSections(lines)).toEqual([{ start: 0, end: lines.length, type: undefined }]);
  });
});

describe('mixed output through the pipeline', () => {
  it('compresses each section with its own crusher and keeps the text around them', async () => {
    const text = [...log(0, 120), '$ curl -s api/issues', issues, '$ git diff', diff, ...log(120, 120)].join('\n');
    const result = await compressText(text, { firstSight: new FirstSightCache() });
    expect(result.transforms[0]?.name).toBe('log-crusher');
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore * 0.7);
    expect(result.text).toContain('$ curl -s api/issues\n[{"url":'); // the JSON section, minified
    expect(result.text).toContain(
      '$ git diff\ndiff --git a/apps/cli/src/commands/ccr.ts b/apps/cli/src/commands/ccr.ts',
    );
    expect(parseMarkers(result.text).length).toBeGreaterThan(2);
  });
});
