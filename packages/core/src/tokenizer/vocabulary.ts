import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenizerEncoding } from './tokenizer.js';

/**
 * A BPE vocabulary as bytes: token `rank`'s UTF-8 bytes are `bytes[offsets[rank]..offsets[rank + 1]]`.
 * Two typed arrays load from disk in a few milliseconds, where the same ranks as a JavaScript
 * module take ~100 ms to parse and ~90 ms more to turn into maps: the difference is most of a
 * short CLI call.
 */
export interface Vocabulary {
  readonly offsets: Uint32Array;
  readonly bytes: Uint8Array;
}

/** `HRV1`: the file's first four bytes, then the token count, the offsets and the bytes. */
const MAGIC = 0x31565248;

/** The file a vocabulary is written to at build time (next to the built code). */
export function vocabularyFileName(encoding: TokenizerEncoding): string {
  return `${encoding}.bin`;
}

/** A vocabulary from gpt-tokenizer's rank list (strings, or byte arrays for non-UTF-8 tokens). */
export function vocabularyFromRanks(ranks: readonly (string | readonly number[])[]): Vocabulary {
  const encoder = new TextEncoder();
  const encoded = ranks.map((r) => (typeof r === 'string' ? encoder.encode(r) : Uint8Array.from(r)));
  const offsets = new Uint32Array(encoded.length + 1);
  encoded.forEach((b, i) => {
    offsets[i + 1] = (offsets[i] as number) + b.length;
  });
  const bytes = new Uint8Array(offsets[encoded.length] as number);
  encoded.forEach((b, i) => {
    bytes.set(b, offsets[i] as number);
  });
  return { offsets, bytes };
}

export function serializeVocabulary({ offsets, bytes }: Vocabulary): Uint8Array {
  const count = offsets.length - 1;
  const out = new Uint8Array(8 + offsets.byteLength + bytes.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, count, true);
  for (let i = 0; i <= count; i++) view.setUint32(8 + 4 * i, offsets[i] as number, true);
  out.set(bytes, 8 + offsets.byteLength);
  return out;
}

/** The vocabulary in `file`, or `undefined` when the file is not one. */
export function parseVocabulary(file: Uint8Array): Vocabulary | undefined {
  if (file.byteLength < 8) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const count = view.getUint32(4, true);
  const bytesAt = 8 + 4 * (count + 1);
  if (file.byteLength < bytesAt) return undefined;
  const offsets = new Uint32Array(count + 1);
  for (let i = 0; i <= count; i++) offsets[i] = view.getUint32(8 + 4 * i, true);
  if (file.byteLength !== bytesAt + (offsets[count] as number)) return undefined;
  return { offsets, bytes: file.subarray(bytesAt) };
}

/**
 * The vocabulary written beside the built code, else the one in gpt-tokenizer's module (slower
 * to load, same ranks) — so a bundler that leaves the file behind still counts exactly.
 */
export async function loadVocabulary(encoding: TokenizerEncoding): Promise<Vocabulary> {
  for (const path of vocabularyPaths(encoding)) {
    let file: Uint8Array;
    try {
      file = readFileSync(path);
    } catch {
      continue;
    }
    const vocabulary = parseVocabulary(file);
    if (vocabulary) return vocabulary;
  }
  const ranks =
    encoding === 'cl100k_base'
      ? (await import('gpt-tokenizer/bpeRanks/cl100k_base')).default
      : (await import('gpt-tokenizer/bpeRanks/o200k_base')).default;
  return vocabularyFromRanks(ranks as (string | number[])[]);
}

/** `dist/vocab/` seen from the built code (`dist/*.js`) and from the sources (`src/tokenizer/`). */
function vocabularyPaths(encoding: TokenizerEncoding): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const name = vocabularyFileName(encoding);
  return [join(here, 'vocab', name), join(here, '..', '..', 'dist', 'vocab', name)];
}
