import { mkdirSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { serializeVocabulary, vocabularyFileName, vocabularyFromRanks } from './src/tokenizer/vocabulary.js';

/** The vocabularies as files beside the built code: they load in milliseconds where a module takes 200 ms. */
async function writeVocabularies(): Promise<void> {
  mkdirSync('dist/vocab', { recursive: true });
  const o200k = (await import('gpt-tokenizer/bpeRanks/o200k_base')).default;
  const cl100k = (await import('gpt-tokenizer/bpeRanks/cl100k_base')).default;
  writeFileSync(`dist/vocab/${vocabularyFileName('o200k_base')}`, serializeVocabulary(vocabularyFromRanks(o200k)));
  writeFileSync(`dist/vocab/${vocabularyFileName('cl100k_base')}`, serializeVocabulary(vocabularyFromRanks(cl100k)));
}

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  external: ['vitest'],
  // import.meta.url in the CommonJS build too: the vocabulary files are found beside the code.
  shims: true,
  onSuccess: writeVocabularies,
});
