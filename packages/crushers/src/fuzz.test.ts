import { contentKey, FirstSightCache, getTokenizer, validateMarkers } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { compressText } from './compress.js';
import { defaultCrushers } from './crushers.js';

/** mulberry32: a seeded generator, so every failure reproduces. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  () => '2024-05-01T10:00:00Z INFO  worker started',
  () => 'ERROR connection refused',
  () => 'src/app.ts:12:export function main() {',
  () => '/usr/lib/x86_64-linux-gnu/libssl.so.3',
  () => '-rwxr-xr-x  1 root root 14808 Mar 12  2023 accessdb',
  () => '@@ -1,3 +1,4 @@',
  () => '+added line',
  () => '{"id": 1, "status": "ok"}',
  () => '    at Object.<anonymous> (/app/index.js:10:5)',
  () => '[… 3 of 9 lines omitted …]',
  () => '[… 3 of lines omitted',
  () => '\u0000\u0001\uFFFD\uD800',
  () => 'é日本😀𝄞',
  () => '"unterminated',
  () => '((((((((((((((((((((((((((((((a',
  () => `${'a'.repeat(3000)}!`,
  () => ' '.repeat(50),
  () => '',
];

function randomText(random: () => number): string {
  const lines = Math.floor(random() * 400);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const piece = PIECES[Math.floor(random() * PIECES.length)] as () => string;
    out.push(random() < 0.3 ? `${piece()} ${Math.floor(random() * 1e6)}` : piece());
  }
  return out.join(random() < 0.1 ? '\r\n' : '\n');
}

/** Random JSON of at most about `budget.left` values. */
function randomJson(random: () => number, budget = { left: 3000 }, depth = 0): unknown {
  const r = random();
  budget.left--;
  if (depth > 5 || budget.left <= 0 || r < 0.3)
    return [1, 'x', null, true, 1e21, -0.5, 'ünï'][Math.floor(random() * 7)];
  if (r < 0.65) return Array.from({ length: Math.floor(random() * 60) }, () => randomJson(random, budget, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(random() * 20) }, (_, i) => [`k${i}`, randomJson(random, budget, depth + 1)]),
  );
}

describe('fuzz: every crusher on seeded random input', () => {
  it('never throws, never grows, writes well-formed markers and is idempotent', async () => {
    const tokenizer = await getTokenizer();
    const crushers = defaultCrushers();
    const random = rng(20261124);
    for (let round = 0; round < 60; round++) {
      const text = round % 3 === 0 ? JSON.stringify(randomJson(random), null, round % 2 ? 2 : 0) : randomText(random);
      const query = random() < 0.5 ? 'why did worker 42 fail with ERROR connection refused' : '';
      const context = { tokenizer, signal: new AbortController().signal, retrievalKey: contentKey(text) };
      for (const crusher of crushers) {
        const contentType = crusher.contentTypes[0] ?? 'text';
        const out = (await crusher.compress({ text, contentType, query }, context)).text;
        expect(tokenizer.count(out), `${crusher.name} round ${round}`).toBeLessThanOrEqual(tokenizer.count(text));
        const inherited = new Set(validateMarkers(text).map((p) => p.replace(/\d+/g, '')));
        expect(
          validateMarkers(out).filter((p) => !inherited.has(p.replace(/\d+/g, ''))),
          `${crusher.name} round ${round}`,
        ).toEqual([]);
        const again = (await crusher.compress({ text: out, contentType, query }, context)).text;
        expect(again, `${crusher.name} round ${round} idempotent`).toBe(out);
      }
    }
  });
});

describe('pathological input finishes and passes through or shrinks', () => {
  const run = (text: string) => compressText(text, { firstSight: new FirstSightCache(), deadlineMs: 20_000 });

  it.each([
    ['an 8 MB single line', () => 'x'.repeat(8_000_000)],
    ['a million-item array', () => `[${Array.from({ length: 1_000_000 }, (_, i) => i % 10).join(',')}]`],
    ['JSON nested 10,000 deep', () => `${'['.repeat(10_000)}1${']'.repeat(10_000)}`],
    [
      'lines built to make patterns backtrack',
      () => Array.from({ length: 2000 }, () => `${'a:'.repeat(2000)}b`).join('\n'),
    ],
    ['invalid UTF-16', () => '\uD800\uDC00\uDFFF'.repeat(100_000)],
  ])('%s', async (_name, make) => {
    const text = make();
    const result = await run(text);
    expect(result.tokensAfter).toBeLessThanOrEqual(result.tokensBefore);
    expect(result.text.length).toBeLessThanOrEqual(text.length);
  });
});
