import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TokenizerEncoding } from './tokenizer.js';

/**
 * A BPE vocabulary as bytes: token `rank`'s UTF-8 bytes are `bytes[offsets[rank]..offsets[rank + 1]]`,
 * and `index` is an open-addressing hash table (linear probing, FNV-1a of the bytes, -1 for an
 * empty slot) from a token's bytes to its rank. Three typed arrays load from disk in a few
 * milliseconds, where the same ranks as a JavaScript module take ~100 ms to parse and ~90 ms
 * more to turn into maps: the difference is most of a short CLI call.
 */
export interface Vocabulary {
  readonly offsets: Uint32Array;
  readonly bytes: Uint8Array;
  readonly index: Int32Array;
}

/**
 * `HRV2`: the file's first four bytes, then the token count and the index size (u32 each), the
 * offsets (u32), the index (i32) and the bytes, little-endian.
 */
const MAGIC = 0x32565248;
const HEADER = 12;

/** FNV-1a over a byte range. */
export function fnv1a(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

/** The hash index of a vocabulary's tokens, at most half full so a miss ends after a probe or two. */
function indexTokens(offsets: Uint32Array, bytes: Uint8Array): Int32Array {
  const count = offsets.length - 1;
  let size = 1;
  while (size < count * 2) size <<= 1;
  const mask = size - 1;
  const index = new Int32Array(size).fill(-1);
  for (let rank = 0; rank < count; rank++) {
    const start = offsets[rank] as number;
    const end = offsets[rank + 1] as number;
    if (end === start) continue; // an unused rank
    let slot = fnv1a(bytes, start, end) & mask;
    while (index[slot] !== -1) slot = (slot + 1) & mask;
    index[slot] = rank;
  }
  return index;
}

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
  return { offsets, bytes, index: indexTokens(offsets, bytes) };
}

export function serializeVocabulary({ offsets, bytes, index }: Vocabulary): Uint8Array {
  const out = new Uint8Array(HEADER + offsets.byteLength + index.byteLength + bytes.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, offsets.length - 1, true);
  view.setUint32(8, index.length, true);
  let at = HEADER;
  for (const v of offsets) {
    view.setUint32(at, v, true);
    at += 4;
  }
  for (const v of index) {
    view.setInt32(at, v, true);
    at += 4;
  }
  out.set(bytes, at);
  return out;
}

/** The vocabulary in `file`, or `undefined` when the file is not one. */
export function parseVocabulary(file: Uint8Array): Vocabulary | undefined {
  if (file.byteLength < HEADER) return undefined;
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, true) !== MAGIC) return undefined;
  const count = view.getUint32(4, true);
  const size = view.getUint32(8, true);
  const indexAt = HEADER + 4 * (count + 1);
  const bytesAt = indexAt + 4 * size;
  if (file.byteLength < bytesAt || (size & (size - 1)) !== 0) return undefined;
  const offsets = words(file, HEADER, count + 1, Uint32Array);
  if (file.byteLength !== bytesAt + (offsets[count] as number)) return undefined;
  return { offsets, index: words(file, indexAt, size, Int32Array), bytes: file.subarray(bytesAt) };
}

/** `length` 32-bit little-endian words at `at`, copied into an aligned array. */
function words<T extends Uint32Array | Int32Array>(
  file: Uint8Array,
  at: number,
  length: number,
  Type: { new (buffer: ArrayBuffer, byteOffset?: number, length?: number): T; new (length: number): T },
): T {
  const start = file.byteOffset + at;
  if (littleEndian) {
    // A view when the words are aligned (a file read whole is its own buffer), else a copy.
    return start % 4 === 0
      ? new Type(file.buffer as ArrayBuffer, start, length)
      : new Type(file.buffer.slice(start, start + 4 * length) as ArrayBuffer);
  }
  const view = new DataView(file.buffer, start, 4 * length);
  const out = new Type(length);
  for (let i = 0; i < length; i++) out[i] = view.getUint32(4 * i, true);
  return out;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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
