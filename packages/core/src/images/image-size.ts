/**
 * Pixel size and format of an image from the first bytes of its file, for PNG, JPEG, GIF and WebP —
 * enough to price it in tokens without decoding it. Undefined for anything else or a header that
 * does not read (a corrupt image is left alone, never guessed at).
 */
export interface ImageSize {
  readonly format: 'png' | 'jpeg' | 'gif' | 'webp';
  readonly width: number;
  readonly height: number;
}

export function imageSize(bytes: Uint8Array): ImageSize | undefined {
  const at = (i: number) => bytes[i] ?? 0;
  const u16be = (i: number) => (at(i) << 8) | at(i + 1);
  const u16le = (i: number) => at(i) | (at(i + 1) << 8);
  const u24le = (i: number) => at(i) | (at(i + 1) << 8) | (at(i + 2) << 16);
  const u32be = (i: number) => ((at(i) << 24) >>> 0) + ((at(i + 1) << 16) | (at(i + 2) << 8) | at(i + 3));
  const ascii = (i: number, n: number) => String.fromCharCode(...bytes.subarray(i, i + n));
  const sized = (format: ImageSize['format'], width: number, height: number) =>
    width > 0 && height > 0 ? { format, width, height } : undefined;

  if (bytes.length >= 24 && at(0) === 0x89 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR')
    return sized('png', u32be(16), u32be(20));
  if (bytes.length >= 10 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a'))
    return sized('gif', u16le(6), u16le(8));
  if (bytes.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X') return sized('webp', u24le(24) + 1, u24le(27) + 1);
    if (chunk === 'VP8L' && at(20) === 0x2f) {
      const b = (i: number) => at(21 + i);
      return sized(
        'webp',
        1 + (((b(1) & 0x3f) << 8) | b(0)),
        1 + (((b(3) & 0xf) << 10) | (b(2) << 2) | ((b(1) & 0xc0) >> 6)),
      );
    }
    if (chunk === 'VP8 ') return sized('webp', u16le(26) & 0x3fff, u16le(28) & 0x3fff);
    return undefined;
  }
  if (bytes.length >= 4 && at(0) === 0xff && at(1) === 0xd8) {
    // Walk the segments to the first start-of-frame marker, which holds the size.
    let i = 2;
    while (i + 9 < bytes.length) {
      if (at(i) !== 0xff) return undefined;
      const marker = at(i + 1);
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const length = u16be(i + 2);
      const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (frame) return sized('jpeg', u16be(i + 7), u16be(i + 5));
      if (length < 2) return undefined;
      i += 2 + length;
    }
  }
  return undefined;
}

/** The bytes of a base64 text, or undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return undefined;
  const normal = clean.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const binary = atob(normal);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** Base64 of bytes, in slices (a spread of megabytes at once overflows the call stack). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
