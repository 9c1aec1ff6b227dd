import { KEY_LENGTH } from '../markers/marker.js';
import { sha256Hex } from './sha256.js';

/**
 * The CCR key of a text: the first 96 bits of its SHA-256, in hex. One format everywhere —
 * markers, the store, `headroom retrieve` — and the same text always gives the same key.
 *
 * @example
 * contentKey('hello') // → '2cf24dba5fb0a30e26e83b2a'
 */
export function contentKey(text: string): string {
  return sha256Hex(text).slice(0, KEY_LENGTH);
}
