import { DIALECTS } from '../dialects/registry.js';
import { sha256Hex } from '../hash/sha256.js';
import type { FirstSightMemory } from '../pipeline/first-sight-cache.js';
import { spliceJsonText } from '../request/json-splice.js';
import type { WireFormat } from '../request/segment.js';
import { fromBase64, imageSize } from './image-size.js';
import { providerMaxSize } from './image-tokens.js';

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
  request: Record<string, unknown>,
  format: WireFormat,
  options: { readonly resizer: ImageResizer; readonly firstSight: FirstSightMemory },
): Promise<FittedImages> {
  const dialect = DIALECTS[format];
  const edits: { path: readonly (string | number)[]; text: string }[] = [];
  const passed: Record<string, number> = {};
  let resized = 0;
  let bytesBefore = 0;
  let bytesAfter = 0;
  for (const ref of dialect.images(request)) {
    const bytes = fromBase64(ref.data);
    const size = bytes ? imageSize(bytes) : undefined;
    if (!bytes || !size) {
      passed.unreadable = (passed.unreadable ?? 0) + 1;
      continue;
    }
    const target =
      dialect.provider === 'openai' && ref.detail === 'low'
        ? fitWithin(size, 512)
        : providerMaxSize(size, dialect.provider);
    if (target.width >= size.width && target.height >= size.height) continue;
    if (size.format === 'gif') {
      passed.animated = (passed.animated ?? 0) + 1;
      continue;
    }
    const key = sha256Hex(`image\u0000${dialect.provider}\u0000${ref.detail ?? ''}\u0000${ref.data}`);
    let kept = await options.firstSight.get(key);
    if (!kept) {
      const smaller = await options.resizer.resize(bytes, target).catch(() => undefined);
      if (!smaller) passed['decode-failed'] = (passed['decode-failed'] ?? 0) + 1;
      // An empty text remembers "as it came": a re-encoding that saved nothing, or failed, is not retried.
      const form = { text: smaller && smaller.length < bytes.length ? toBase64(smaller) : '' };
      kept = (await options.firstSight.set(key, form)) ?? form;
    }
    if (!kept.text) continue;
    edits.push({ path: ref.path, text: ref.dataUrl ? `data:${ref.mediaType};base64,${kept.text}` : kept.text });
    resized++;
    bytesBefore += bytes.length;
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
