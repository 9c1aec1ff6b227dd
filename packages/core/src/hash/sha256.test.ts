import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentKey } from './content-key.js';
import { sha256Hex, sha256Portable } from './sha256.js';

const nodeSha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe('sha256Hex', () => {
  it('matches the published test vectors', () => {
    for (const hash of [sha256Hex, sha256Portable]) {
      expect(hash('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(hash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    }
  });

  it('agrees with node:crypto across block boundaries, Unicode planes and raw bytes', () => {
    const samples = [
      'a'.repeat(55),
      'a'.repeat(56),
      'a'.repeat(63),
      'a'.repeat(64),
      'a'.repeat(65),
      'x'.repeat(100_000),
      'héllo wörld — 日本語 — 😀𝄞 — \u0000\uFFFF',
      '\uD800 lone surrogate',
    ];
    for (const s of samples) {
      expect(sha256Hex(s)).toBe(nodeSha(s));
      expect(sha256Portable(s)).toBe(nodeSha(s));
    }
    const bytes = new Uint8Array(1000).map((_, i) => (i * 31) & 0xff);
    expect(sha256Hex(bytes)).toBe(nodeSha(bytes));
    expect(sha256Portable(bytes)).toBe(nodeSha(bytes));
  });
});

describe('contentKey', () => {
  it('is the 24-hex-digit prefix of the SHA-256', () => {
    expect(contentKey('hello')).toBe('2cf24dba5fb0a30e26e83b2a');
  });

  it('tells apart texts that differ only in lone surrogates', () => {
    const keys = new Set(['a\uD800b', 'a\uDBFFb', 'a\uDC00b', 'a\uFFFDb'].map(contentKey));
    expect(keys.size).toBe(4);
    expect(contentKey('😀')).toBe(sha256Hex('😀').slice(0, 24));
  });
});
