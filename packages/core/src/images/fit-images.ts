import { sha256Hex } from '../hash/sha256.js';
import type { FirstSightMemory } from '../pipeline/first-sight-cache.js';
import { spliceJsonText } from '../request/json-splice.js';
import { fromBase64 } from './image-size.js';
import { type ImageProvider, providerMaxSize } from './image-tokens.js';
import type { ImageFigures } from './request-images.js';

/** Re-encodes an image at a smaller size, in its own format; undefined when it cannot be decoded. */
export interface ImageResizer {
  resize(bytes: Uint8Array, size: { readonly width: number; readonly height: number }): Promise<Uint8Array | undefined>;
}

export interface FittedImages {
  readonly text: string;
  /** Images sent smaller than they came, and their bytes before and after. */
  readonly resized: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Images left as they came, by reason: `unreadable` (no header that reads), `animated` (GIF), `decode-failed`. */
  readonly passed: Readonly<Record<string, number>>;
}

/**
 * Sends each inline image no larger than its provider would use it: a screenshot of 3,136 × 1,960
 * goes to Anthropic at 1,568 × 980, which it would scale to anyway — the same tokens, a quarter
 * of the bytes, less upload time. Decided at an image's first sight and remembered by its content
 * (and provider and detail), so every later request of the session carries the same bytes.
 * Anything that does not read as an image, and animated GIFs, go as they came, counted by reason.
 */
export async function fitImages(
  text: string,
  images: readonly ImageFigures[],
  provider: ImageProvider,
  options: { readonly resizer: ImageResizer; readonly firstSight: FirstSightMemory },
): Promise<FittedImages> {
  const edits: { path: readonly (string | number)[]; text: string }[] = [];
  const passed: Record<string, number> = {};
  let resized = 0;
  let bytesBefore = 0;
  let bytesAfter = 0;
  for (const { ref, width, height, format, bytes } of images) {
    if (width === undefined || height === undefined) {
      passed.unreadable = (passed.unreadable ?? 0) + 1;
      continue;
    }
    const size = { width, height };
    const target =
      provider === 'openai' && ref.detail === 'low' ? fitWithin(size, 512) : providerMaxSize(size, provider);
    if (target.width >= width && target.height >= height) continue;
    if (format === 'gif') {
      passed.animated = (passed.animated ?? 0) + 1;
      continue;
    }
    const key = sha256Hex(`image\u0000${provider}\u0000${ref.detail ?? ''}\u0000${ref.data}`);
    let kept = await options.firstSight.get(key);
    if (!kept) {
      // Decoded whole only here, at the image's first sight: later turns find it remembered.
      const original = fromBase64(ref.data);
      const smaller = original && (await options.resizer.resize(original, target).catch(() => undefined));
      if (!smaller) passed['decode-failed'] = (passed['decode-failed'] ?? 0) + 1;
      // An empty text remembers "as it came": a re-encoding that saved nothing, or failed, is not retried.
      const form = { text: smaller && smaller.length < bytes ? toBase64(smaller) : '' };
      kept = (await options.firstSight.set(key, form)) ?? form;
    }
    if (!kept.text) continue;
    edits.push({ path: ref.path, text: ref.dataUrl ? `data:${ref.mediaType};base64,${kept.text}` : kept.text });
    resized++;
    bytesBefore += bytes;
    bytesAfter += Math.floor((kept.text.length * 3) / 4);
  }
  const out = edits.length ? (spliceJsonText(text, edits, { valid: true }) ?? text) : text;
  return { text: out, resized: out === text ? 0 : resized, bytesBefore, bytesAfter, passed };
}

function fitWithin(size: { width: number; height: number }, box: number): { width: number; height: number } {
  const scale = Math.min(1, box / Math.max(size.width, size.height));
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
