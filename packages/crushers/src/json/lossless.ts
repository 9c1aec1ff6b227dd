import type { Tokenizer } from '@headroom/core';
import { decode as toonDecode, encode as toonEncode } from '@toon-format/toon';

/**
 * The smallest lossless form of a JSON document: its minified text, or TOON (uniform arrays of
 * objects as a header with the row count plus one row per item) when that is smaller. TOON is
 * only a candidate when every value survives it exactly: it re-encodes parsed values, so a
 * document whose literals `JSON.parse` would change (`1e3`, `12345678901234567890`, escapes)
 * stays JSON. And it must decode back to exactly the minified JSON: rows whose objects list
 * their keys in different orders come back in the header's order, which is not the original.
 */
export function smallestLossless(
  minified: string,
  tokenizer: Tokenizer,
): { text: string; tokens: number; form: 'json' | 'toon' } {
  const json = { text: minified, tokens: tokenizer.count(minified), form: 'json' as const };
  const toon = toonIfExact(minified);
  if (toon === undefined) return json;
  const toonTokens = tokenizer.count(toon);
  return toonTokens < json.tokens ? { text: toon, tokens: toonTokens, form: 'toon' } : json;
}

function toonIfExact(minified: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(minified);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || JSON.stringify(value) !== minified) return undefined;
  try {
    const toon = toonEncode(value);
    return JSON.stringify(toonDecode(toon)) === minified ? toon : undefined;
  } catch {
    return undefined;
  }
}
