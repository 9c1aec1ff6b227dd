import { getTokenizer } from '@headroom/core';
import { runTransformConformance } from '@headroom/core/testing';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { createCodeCrusher } from './code-crusher.js';
import { type CodeLanguage, detectLanguage } from './languages.js';

runTransformConformance({
  create: createCodeCrusher,
  goldenDir: new URL('./__golden__', import.meta.url).pathname,
  cases: [
    {
      name: 'python json encoder',
      text: fixture('python-json-encoder.py'),
      query: 'read_file json/encoder.py: how does iterencode work?',
      mustKeep: [
        '    def iterencode(self, o, _one_shot=False):',
        '        if self.check_circular:',
        'class JSONEncoder(object):',
      ],
    },
    {
      name: 'typescript sqlite store',
      text: fixture('typescript-sqlite-store.ts.txt'),
      query: 'read src/store/sqlite-store.ts',
      mustKeep: [
        "import Database from 'better-sqlite3';",
        'export function createSqliteStore(options: SqliteStoreOptions = {}): CcrStore {',
      ],
    },
  ],
});

/** A small program in each language: three functions with long bodies and a type around them. */
const SAMPLES: Record<Exclude<CodeLanguage, 'tsx'>, { code: string; signature: string }> = {
  python: {
    code: 'import os\n\nclass Box:\n    def open(self):\n        """Opens the box."""\n{body:        x = {i}}\n',
    signature: '    def open(self):',
  },
  javascript: {
    code: "import fs from 'node:fs';\n\nexport function open(path) {\n{body:  const x{i} = {i};}\n}\n",
    signature: 'export function open(path) {',
  },
  typescript: {
    code: "import fs from 'node:fs';\n\nexport interface Box { size: number }\n\nexport function open(path: string): Box {\n{body:  const x{i}: number = {i};}\n  return { size: 1 };\n}\n",
    signature: 'export function open(path: string): Box {',
  },
  go: {
    code: 'package main\n\nimport "fmt"\n\nfunc open(path string) int {\n{body:\tx{i} := {i}}\n\treturn 0\n}\n',
    signature: 'func open(path string) int {',
  },
  rust: {
    code: 'use std::fs;\n\npub struct Box { size: u32 }\n\nimpl Box {\n    pub fn open(&self) -> u32 {\n{body:        let x{i} = {i};}\n        0\n    }\n}\n',
    signature: '    pub fn open(&self) -> u32 {',
  },
  java: {
    code: 'import java.util.List;\n\npublic class Box {\n    public int open(String path) {\n{body:        int x{i} = {i};}\n        return 0;\n    }\n}\n',
    signature: '    public int open(String path) {',
  },
  c: {
    code: '#include <stdio.h>\n\nstatic int open_box(const char *path) {\n{body:    int x{i} = {i};}\n    return 0;\n}\n',
    signature: 'static int open_box(const char *path) {',
  },
  cpp: {
    code: '#include <vector>\n\nnamespace box {\nclass Box {\n public:\n  int open(const std::string& path) {\n{body:    int x{i} = {i};}\n    return 0;\n  }\n};\n}\n',
    signature: '  int open(const std::string& path) {',
  },
};

const expand = (code: string) =>
  code.replace(
    /\{body:(.*)\}\n/,
    (_m, line: string) => `${Array.from({ length: 80 }, (_, i) => line.replaceAll('{i}', String(i))).join('\n')}\n`,
  );

describe('code-crusher in every language', () => {
  it.each(Object.entries(SAMPLES))(
    '%s: keeps the signature, folds the body with its line range',
    async (language, sample) => {
      const code = expand(sample.code);
      expect(detectLanguage(code, '')).toBe(language);
      const out = (
        await createCodeCrusher().compress(
          { text: code, contentType: 'code', query: '' },
          { tokenizer: await getTokenizer(), signal: new AbortController().signal },
        )
      ).text;
      expect(out).toContain(sample.signature);
      expect(out).toMatch(/\[… \d+ of \d+ lines omitted \(body of open(_box)?, lines \d+–\d+\) …\]/);
      expect(out.split('\n').length).toBeLessThan(code.split('\n').length - 60);
    },
  );

  it('keeps the body of a function the query names', async () => {
    const code = expand(SAMPLES.python.code);
    const out = (
      await createCodeCrusher().compress(
        { text: code, contentType: 'code', query: 'what does Box.open do?' },
        { tokenizer: await getTokenizer(), signal: new AbortController().signal },
      )
    ).text;
    expect(out).toBe(code);
  });
});

describe('code-crusher on a source larger than one parse', () => {
  it('folds every function of every part, with line ranges of the whole file', async () => {
    const one = fixture('python-json-encoder.py');
    const crush = async (text: string) =>
      (
        await createCodeCrusher().compress(
          { text, contentType: 'code', query: '' },
          { tokenizer: await getTokenizer(), signal: new AbortController().signal },
        )
      ).text;
    const folds = async (text: string) =>
      [...(await crush(text)).matchAll(/body of (\w+), lines (\d+)–(\d+)\) …\]/g)].map(([, name, from, to]) => ({
        name,
        from: Number(from),
        to: Number(to),
      }));
    const perCopy = await folds(one);
    const copies = 50; // ~800 kB: parsed in several pieces
    const found = await folds(Array.from({ length: copies }, () => one).join('\n'));
    expect(perCopy.length).toBeGreaterThan(3);
    // Every copy folds exactly as the file alone does, at its own lines.
    const linesPerCopy = one.split('\n').length;
    const expected = Array.from({ length: copies }, (_, k) =>
      perCopy.map((f) => ({ ...f, from: f.from + k * linesPerCopy, to: f.to + k * linesPerCopy })),
    ).flat();
    expect(found).toEqual(expected);
  });
});
