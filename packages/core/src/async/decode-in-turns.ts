import { nextTurn } from './next-turn.js';

/** Bytes decoded per turn of the event loop (a few milliseconds). */
const DECODE_SLICE = 1024 * 1024;

/**
 * UTF-8 bytes to text, a slice at a time with a turn of the event loop between slices when the
 * bytes are many; the same text as one `TextDecoder().decode`. Slices are cut before a byte that
 * starts a character and each is decoded whole (the decoder's streaming mode is several times
 * slower); only the first may carry the byte-order mark the decoder drops.
 */
export async function decodeUtf8InTurns(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength <= DECODE_SLICE) return new TextDecoder().decode(bytes);
  const first = new TextDecoder();
  const rest = new TextDecoder('utf-8', { ignoreBOM: true });
  const parts: string[] = [];
  for (let at = 0; at < bytes.byteLength; ) {
    let end = Math.min(at + DECODE_SLICE, bytes.byteLength);
    // 0b10xxxxxx continues a character: the cut goes before the byte that starts it.
    while (end < bytes.byteLength && end > at && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    if (end === at) end = Math.min(at + DECODE_SLICE, bytes.byteLength); // no character starts here: invalid bytes
    parts.push((at === 0 ? first : rest).decode(bytes.subarray(at, end)));
    at = end;
    await nextTurn();
  }
  return parts.join('');
}
