import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { detectContentType } from './detect.js';

describe('detectContentType', () => {
  it.each([
    ['github-issues.json', 'json'],
    ['github-issues.ndjson', 'json'],
    ['find-usr-include.txt', 'listing'],
    ['ls-long-usr-bin.txt', 'listing'],
    ['grep-repo.txt', 'search'],
    ['git-diff.txt', 'diff'],
    ['dpkg-log.txt', 'log'],
    ['dpkg-l.txt', 'table'],
  ])('%s → %s', (name, type) => {
    expect(detectContentType(fixture(name))).toBe(type);
  });

  it.each([
    [
      'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n    main()\n  File "app.py", line 2, in main\n    raise ValueError("x")\nValueError: x',
      'stack-trace',
    ],
    ['<!DOCTYPE html><html><body><p>hi</p></body></html>', 'html'],
    ['name,age,city\nann,31,paris\nbob,27,oslo\ncid,45,rome\ndee,38,lima', 'table'],
    ['| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |', 'table'],
    ['import os\n\ndef main():\n    x = 1;\n    return x\n\nclass A {\n}\n', 'code'],
    ['# Title\n\nSome intro.\n\n- item one\n- item two\n\n## Section\n\nMore text here.', 'markdown'],
    ['4.0K\t./a\n12K\t./b\n8.0K\t./c/d\n16K\t.', 'listing'],
    ['.\n├── src\n│   └── index.ts\n└── package.json', 'listing'],
    [
      '100644 blob 8f3a9c2b1d4e5f60a7b8c9d01234567890abcdef\tREADME.md\n100644 blob 0123456789abcdef0123456789abcdef01234567\tsrc/a.ts',
      'listing',
    ],
    [
      [
        'NAME                      READY   STATUS             RESTARTS   AGE',
        ...Array.from(
          { length: 12 },
          (_, i) =>
            `web-${String(i).padEnd(20)}  1/1     ${(i === 7 ? 'CrashLoopBackOff' : 'Running').padEnd(17)}  ${String(i % 3).padEnd(9)}  ${i + 2}d`,
        ),
      ].join('\n'),
      'table',
    ],
    ['', 'text'],
    ['\u0000\u0001\u0002 binary junk \uFFFD', 'text'],
  ])('%j → %s', (text, type) => {
    expect(detectContentType(text)).toBe(type);
  });

  it('never throws and stays fast on pathological input', () => {
    for (const text of [
      'a'.repeat(5_000_000),
      `${'['.repeat(100_000)}`,
      `${'x:1:'.repeat(100_000)}\n`.repeat(3),
      '\n'.repeat(1_000_000),
    ]) {
      expect(typeof detectContentType(text)).toBe('string');
    }
  });
});
