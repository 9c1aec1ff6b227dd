import { describe, expect, it } from 'vitest';
import { splitRecords } from './records.js';

describe('splitRecords', () => {
  it('keeps a commit whole: header, message and stat lines (indented blocks join the stanza before them)', () => {
    const log = [1, 2, 3]
      .map((n) =>
        [
          `commit ${String(n).repeat(40)}`,
          `Author: Dev ${n} <dev${n}@example.com>`,
          `Date:   Mon Jul ${n} 10:00:00 2026 +0000`,
          '',
          `    fix: thing ${n}`,
          '    ',
          `    More words about ${n}.`,
          '',
          ` src/file${n}.ts | 2 +-`,
          ' 1 file changed',
        ].join('\n'),
      )
      .join('\n\n');
    const { noun, records } = splitRecords(log);
    expect(noun).toBe('records');
    expect(records.map((r) => r.label)).toEqual(['L1-L10', 'L12-L21', 'L23-L32']);
    expect(records[1]?.text).toContain('Author: Dev 2');
    expect(records[1]?.text).toContain('src/file2.ts');
  });

  it('splits a record too long to read at once: its opening stays whole, later lines come under its first line', () => {
    const body = Array.from({ length: 80 }, (_, i) => `    line ${i}`);
    const log = [
      'commit aaa',
      'Author: A',
      '',
      ...body,
      '',
      'commit bbb',
      'Author: B',
      '',
      '    short',
      '',
      'commit ccc',
      'Author: C',
      '',
      '    short',
    ].join('\n');
    const { records } = splitRecords(log);
    expect(records[0]).toMatchObject({ label: 'L1-L2', text: 'commit aaa\nAuthor: A' });
    expect(records[1]).toMatchObject({ label: 'L4', text: 'commit aaa\n    line 0', search: '    line 0' });
  });

  it('gives a table’s rows as records with its header kept apart, to name their columns', () => {
    const table = [
      'NAME                      READY   STATUS             RESTARTS   AGE',
      ...Array.from(
        { length: 10 },
        (_, i) =>
          `web-${String(i).padEnd(20)}  1/1     ${(i === 7 ? 'CrashLoopBackOff' : 'Running').padEnd(17)}  ${i % 3}          ${i + 2}d`,
      ),
    ].join('\n');
    const { noun, records, head } = splitRecords(table);
    expect(noun).toBe('rows');
    expect(head).toMatchObject({ label: 'L1', text: table.split('\n')[0] });
    expect(records).toHaveLength(10);
    expect(records[7]?.text).toContain('CrashLoopBackOff');
  });

  it('keeps a log line with its indented continuation (a stack trace)', () => {
    const log = [
      '10:00 INFO ok',
      '10:01 ERROR failed',
      '    at handler (app.js:10)',
      '    at main (app.js:2)',
      '10:02 INFO ok',
    ].join('\n');
    expect(splitRecords(log).records.map((r) => r.label)).toEqual(['L1', 'L2-L4', 'L5']);
  });

  it('gives a diff one record per file, or per hunk under the file’s header when long', () => {
    const hunk = (n: number) => [
      `@@ -${n},3 +${n},3 @@`,
      ...Array.from({ length: 40 }, (_, i) => ` ctx ${n}.${i}`),
      `+added ${n}`,
    ];
    const diff = [
      'diff --git a/small.js b/small.js',
      '--- a/small.js',
      '+++ b/small.js',
      ...hunk(1).slice(0, 3),
      'diff --git a/big.js b/big.js',
      '--- a/big.js',
      '+++ b/big.js',
      ...hunk(10),
      ...hunk(90),
    ].join('\n');
    const { records } = splitRecords(diff);
    expect(records[0]?.text.startsWith('diff --git a/small.js')).toBe(true);
    const hunks = records.filter((r) => r.text.includes('@@ -') && r.text.includes('big.js'));
    expect(hunks).toHaveLength(2);
    expect(hunks[1]?.text.split('\n')[0]).toBe('diff --git a/big.js b/big.js');
    expect(hunks[1]?.text).toContain('+added 90');
  });

  it('gives a JSON document’s members, each with its key path, values exactly as written', () => {
    const json = '{\n  "name": "pkg",\n  "size": 1e3,\n  "time": { "1.0.0": "2020-01-01" }\n}';
    const { noun, records } = splitRecords(json);
    expect(noun).toBe('items');
    expect(records.map((r) => [r.label, r.text])).toEqual([
      ['.name', '"pkg"'],
      ['.size', '1e3'],
      ['.time', '{"1.0.0":"2020-01-01"}'],
    ]);
  });

  it('splits a container too large to read at once into its members, each with its key path', () => {
    const time = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`1.${i}.0`, `2020-01-${i}`]));
    const { records } = splitRecords(JSON.stringify({ name: 'pkg', time }));
    expect(records[0]).toMatchObject({ label: '.name', text: '"pkg"' });
    expect(records.find((r) => r.label === '.time["1.7.0"]')).toMatchObject({
      text: '"2020-01-7"',
      search: '.time["1.7.0"] "2020-01-7"',
    });
  });
});

describe('splitRecords on nested text', () => {
  it('cuts a long YAML item at its shallowest indentation, so a field comes with its block', () => {
    const item = (n: number) => [
      `- apiVersion: v1`,
      '  kind: Pod',
      '  metadata:',
      `    name: web-${n}`,
      '    labels:',
      '      app: web',
      '  spec:',
      '    containers:',
      ...Array.from({ length: 30 }, (_, i) => [
        `    - name: c${i}`,
        `      image: registry.example/app:${n}.${i}`,
      ]).flat(),
    ];
    const yaml = ['apiVersion: v1', 'items:', ...item(1), ...item(2), 'kind: List'].join('\n');
    const { records } = splitRecords(yaml);
    const metadata = records.find((r) => r.search.includes('name: web-2'));
    expect(metadata?.text).toBe(
      ['- apiVersion: v1', '  metadata:', '    name: web-2', '    labels:', '      app: web'].join('\n'),
    );
    expect(records.find((r) => r.search.includes('app:2.7'))?.text).toBe(
      ['- apiVersion: v1', '    - name: c7', '      image: registry.example/app:2.7'].join('\n'),
    );
  });
});
