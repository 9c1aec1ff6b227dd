import { KEY_LENGTH } from '../markers/marker.js';
import { sha256Hex, sha256HexInTurns } from './sha256.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when a string holds a lone surrogate: it then has no exact UTF-8 form. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * The CCR key of a text: the first 96 bits of its SHA-256, in hex. One format everywhere —
 * markers, the store, `headroom retrieve` — and the same text always gives the same key.
 *
 * Text with lone surrogates (possible after `JSON.parse` of `"\ud800"`) has no exact UTF-8 form,
 * so it is hashed through its escaped JSON spelling instead; two different strings never share
 * a key because UTF-8 replaced both with U+FFFD.
 *
 * @example
 * contentKey('hello') // → '2cf24dba5fb0a30e26e83b2a'
 */
export function contentKey(text: string): string {
  return sha256Hex(exactForm(text)).slice(0, KEY_LENGTH);
}

/** `contentKey`, hashing a large text in slices so the event loop keeps turning; the same key. */
export async function contentKeyInTurns(text: string): Promise<string> {
  return (await sha256HexInTurns(exactForm(text))).slice(0, KEY_LENGTH);
}

function exactForm(text: string): string {
  return hasLoneSurrogate(text) ? `\u0000utf16\u0000${JSON.stringify(text)}` : text;
}
