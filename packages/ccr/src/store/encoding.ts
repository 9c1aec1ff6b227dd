import { hasLoneSurrogate } from '@headroom/core';

/**
 * How an original is kept byte-exact: UTF-8 for well-formed text, UTF-16 code units for text
 * with lone surrogates (which UTF-8 cannot represent and would silently replace).
 */
export type StoredEncoding = 'utf8' | 'utf16le';

export function encodingFor(text: string): StoredEncoding {
  return hasLoneSurrogate(text) ? 'utf16le' : 'utf8';
}

/** Stored size of a text in bytes, in the encoding it is kept in. */
export function storedBytes(text: string): number {
  return encodingFor(text) === 'utf8' ? utf8Length(text) : text.length * 2;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
