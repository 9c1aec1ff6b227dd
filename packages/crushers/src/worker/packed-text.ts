import { hasLoneSurrogate, nextTurn, safeCut } from '@headroom/core';

/**
 * A text on its way between threads. Copying a string of many megabytes into a `postMessage`
 * holds the sender's event loop for a tenth of a second, so a large one travels as UTF-8 slices
 * whose buffers are moved, encoded a slice per turn; a text with a lone surrogate (it has no
 * exact UTF-8 form) travels as the string itself.
 */
export type PackedText = { readonly parts: readonly Uint8Array[] } | { readonly text: string };

/** Texts shorter than this are sent as strings: copying them costs less than a turn. */
const PACK_MIN_CHARS = 256 * 1024;
const SLICE_CHARS = 1024 * 1024;

export async function packText(text: string): Promise<{ packed: PackedText; transfer: ArrayBuffer[] }> {
  if (text.length < PACK_MIN_CHARS || hasLoneSurrogate(text)) return { packed: { text }, transfer: [] };
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (let at = 0; at < text.length; ) {
    // Never between the halves of a surrogate pair: each slice must be whole characters.
    const end = safeCut(text, at + SLICE_CHARS);
    parts.push(encoder.encode(text.slice(at, end)));
    at = end;
    if (at < text.length) await nextTurn();
  }
  return { packed: { parts }, transfer: parts.map((p) => p.buffer as ArrayBuffer) };
}

/** The text back, a slice per turn. */
export async function unpackText(packed: PackedText): Promise<string> {
  if ('text' in packed) return packed.text;
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (const part of packed.parts) {
    out.push(decoder.decode(part));
    if (out.length < packed.parts.length) await nextTurn();
  }
  return out.join('');
}
