import { fnv1a, type Vocabulary } from './vocabulary.js';

/** Pieces up to this many characters have their counts remembered (words, numbers, punctuation runs). */
const CACHED_PIECE_CHARS = 64;
/** The piece cache is emptied when it holds this many entries. */
const CACHE_ENTRIES = 100_000;
const NOT_A_TOKEN = 0x7fffffff;

/**
 * Counts BPE tokens without producing them: the text is split by the encoding's pre-tokenizer
 * pattern, each piece is looked up whole, and a piece that is not one token is merged byte pair
 * by byte pair, lowest rank first (tiktoken's algorithm), until no adjacent pair is a token.
 * Ranks are found through the vocabulary's hash index.
 */
export class BytePairCounter {
  private readonly offsets: Uint32Array;
  private readonly bytes: Uint8Array;
  private readonly index: Int32Array;
  private readonly mask: number;
  private readonly cache = new Map<string, number>();
  private scratch = new Uint8Array(4096);
  private readonly encoder = new TextEncoder();

  constructor(
    vocabulary: Vocabulary,
    private readonly split: RegExp,
  ) {
    this.offsets = vocabulary.offsets;
    this.bytes = vocabulary.bytes;
    this.index = vocabulary.index;
    this.mask = this.index.length - 1;
  }

  count(text: string): number {
    let total = 0;
    for (const [piece] of text.matchAll(this.split)) {
      if (piece.length <= CACHED_PIECE_CHARS) {
        const known = this.cache.get(piece);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const n = this.countPiece(piece);
        if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
        this.cache.set(piece, n);
        total += n;
      } else total += this.countPiece(piece);
    }
    return total;
  }

  private countPiece(piece: string): number {
    const length = this.utf8(piece);
    if (this.rank(this.scratch, 0, length) !== NOT_A_TOKEN) return 1;
    return this.merge(length);
  }

  /** Writes the piece's UTF-8 bytes to the scratch buffer and returns their length. */
  private utf8(piece: string): number {
    if (this.scratch.length < piece.length * 3) this.scratch = new Uint8Array(piece.length * 3);
    let n = 0;
    for (; n < piece.length; n++) {
      const c = piece.charCodeAt(n);
      if (c >= 0x80) return this.encoder.encodeInto(piece, this.scratch).written;
      this.scratch[n] = c;
    }
    return n;
  }

  /** How many tokens the piece's bytes merge into. */
  private merge(length: number): number {
    const bytes = this.scratch.slice(0, length);
    // starts[i] is where part i begins; ranks[i] is the rank of parts i and i + 1 merged.
    const starts = new Int32Array(length + 1);
    for (let i = 0; i <= length; i++) starts[i] = i;
    const ranks = new Int32Array(length);
    let parts = length;
    for (let i = 0; i < parts - 1; i++) ranks[i] = this.rank(bytes, i, i + 2);
    ranks[parts - 1] = NOT_A_TOKEN;
    for (;;) {
      let best = NOT_A_TOKEN;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if ((ranks[i] as number) < best) {
          best = ranks[i] as number;
          at = i;
        }
      }
      if (at < 0) return parts;
      // Part at + 1 joins part at: shift the tail left by one.
      starts.copyWithin(at + 1, at + 2, parts + 1);
      ranks.copyWithin(at + 1, at + 2, parts);
      parts--;
      ranks[parts - 1] = NOT_A_TOKEN;
      ranks[at] = at + 1 < parts ? this.rank(bytes, starts[at] as number, starts[at + 2] as number) : NOT_A_TOKEN;
      if (at > 0) ranks[at - 1] = this.rank(bytes, starts[at - 1] as number, starts[at + 1] as number);
    }
  }

  /** The rank of `source[start..end]`, or NOT_A_TOKEN. */
  private rank(source: Uint8Array, start: number, end: number): number {
    let slot = fnv1a(source, start, end) & this.mask;
    const length = end - start;
    for (;;) {
      const rank = this.index[slot] as number;
      if (rank === -1) return NOT_A_TOKEN;
      const at = this.offsets[rank] as number;
      if ((this.offsets[rank + 1] as number) - at === length) {
        let i = 0;
        while (i < length && this.bytes[at + i] === source[start + i]) i++;
        if (i === length) return rank;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}
