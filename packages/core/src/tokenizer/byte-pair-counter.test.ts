import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import cl100kRanks from 'gpt-tokenizer/bpeRanks/cl100k_base';
import o200kRanks from 'gpt-tokenizer/bpeRanks/o200k_base';
import { CL100K_TOKEN_SPLIT_REGEX, O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { getEncoding } from 'js-tiktoken';
import { describe, expect, it } from 'vitest';
import { BytePairCounter } from './byte-pair-counter.js';
import { loadVocabulary, parseVocabulary, serializeVocabulary, vocabularyFromRanks } from './vocabulary.js';

/**
 * The reference is js-tiktoken, a port of OpenAI's tiktoken: gpt-tokenizer (whose rank lists the
 * vocabulary files are written from) drops a byte-order mark's bytes when it merges them, and
 * counts `\uFEFFType` as 3 tokens where tiktoken counts 2.
 */
const reference = (name: 'o200k_base' | 'cl100k_base') => {
  const encoding = getEncoding(name);
  return (text: string) => encoding.encode(text, [], []).length;
};
const encodings = [
  { name: 'o200k_base', count: reference('o200k_base'), ranks: o200kRanks, split: O200K_TOKEN_SPLIT_REGEX },
  { name: 'cl100k_base', count: reference('cl100k_base'), ranks: cl100kRanks, split: CL100K_TOKEN_SPLIT_REGEX },
] as const;

const SAMPLES = [
  'hello world',
  "I'm sure they'll've DONE it; WE'RE here",
  'numbers 1234567 3.14159 -0.5e10 0x1F 2026-12-05T22:49:32Z',
  'naïve café Temür Ōsaka Straße ﬁ ligature',
  '日本語のテキストと中文文本，混在。한국어 문장도.',
  'emoji 👩‍👩‍👧‍👦 🚀🔥 flags 🇫🇷🇩🇪',
  'special <|endoftext|> <|im_start|>user<|im_end|> text',
  '   \n\n\t\t  mixed   whitespace \r\n\r\n  end   ',
  "path/to/some_file.ts:120:7 — error TS2322: Type 'string' is not assignable",
  '{"id":42,"name":"x","tags":["a","b"],"nested":{"deep":[1,2,3]}}',
  `${'ab'.repeat(400)} ${'Z'.repeat(300)} ${'-'.repeat(500)}`,
  String.fromCharCode(0xd800, 0x41, 0xdfff), // lone surrogates
  '\uFEFFType,Question\n',
  '',
];

/** Every text file of the shared datasets, when they are present, in 20 kB slices (the first three). */
function* datasetSlices(): Generator<string> {
  const root = process.env.HEADROOM_DATASETS ?? join(import.meta.dirname, '../../../../../shared/datasets');
  if (!existsSync(root)) return;
  const walk = function* (dir: string): Generator<string> {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) yield* walk(path);
      else if (stat.size < 4_000_000 && /\.(json|jsonl|txt|log|md|csv)$/.test(name)) yield path;
    }
  };
  for (const path of walk(root)) {
    const text = readFileSync(path, 'utf8');
    for (let at = 0; at < Math.min(text.length, 60_000); at += 20_000) yield text.slice(at, at + 20_000);
  }
}

describe('BytePairCounter', () => {
  for (const { name, count, ranks, split } of encodings) {
    it(`counts exactly as tiktoken does with ${name}`, async () => {
      const counter = new BytePairCounter(await loadVocabulary(name), split);
      for (const text of SAMPLES) expect(counter.count(text), text).toBe(count(text));
    });

    it(`counts every slice of the shared datasets exactly with ${name}`, async () => {
      const counter = new BytePairCounter(await loadVocabulary(name), split);
      let slices = 0;
      for (const text of datasetSlices()) {
        expect(counter.count(text)).toBe(count(text));
        slices++;
      }
      // Without the datasets this checks nothing more than the samples do; with them, hundreds of slices.
      expect(slices === 0 || slices > 100).toBe(true);
      // Two tokenizers over every dataset slice: a minute alone, several beside the other suites.
    }, 600_000);

    it(`reads the built ${name} file as the same vocabulary the module holds`, async () => {
      const fromModule = vocabularyFromRanks(ranks);
      const loaded = await loadVocabulary(name);
      expect(loaded.offsets).toEqual(fromModule.offsets);
      expect(Buffer.from(loaded.bytes).equals(Buffer.from(fromModule.bytes))).toBe(true);
    });
  }

  it('round-trips the file format and rejects what is not one', () => {
    const vocabulary = vocabularyFromRanks(['a', 'b', 'ab', [0xff, 0xfe]]);
    const file = serializeVocabulary(vocabulary);
    expect(parseVocabulary(file)).toEqual(vocabulary);
    expect(parseVocabulary(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(parseVocabulary(file.subarray(0, file.length - 1))).toBeUndefined();
    expect(parseVocabulary(new TextEncoder().encode('not a vocabulary file at all'))).toBeUndefined();
  });
});
