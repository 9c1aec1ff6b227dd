import { editValuesAt, type ValueEdit } from '../dialects/json-text.js';
import { DIALECTS } from '../dialects/registry.js';
import { contentKey } from '../hash/content-key.js';
import { sha256Hex } from '../hash/sha256.js';
import { KEY_PREFIX } from '../markers/marker.js';
import type { FirstSightMemory } from '../pipeline/first-sight-cache.js';
import type { WireFormat } from '../request/segment.js';
import type { Store } from '../store/store.js';
import type { ImageCodec } from './image-codec.js';
import { fromBase64, toBase64 } from './image-size.js';
import { imageTokens, providerMaxSize, sizeWithinBudget } from './image-tokens.js';
import type { ImageFigures } from './request-images.js';

/**
 * The token budget per image by default: the smallest budget at which real screenshots read, by
 * OCR, on average within one point of how they read at each provider's own size (the curve is in
 * the README). Below it text goes first: at 1,200 a dense table shot loses a quarter of its words
 * on Anthropic. Lower budgets are for agents that zoom.
 */
export const DEFAULT_IMAGE_BUDGET = 1_600;

export interface FitImagesOptions {
  readonly codec: ImageCodec;
  readonly firstSight: FirstSightMemory;
  /**
   * Where originals are kept for `headroom_retrieve`. Without one, nothing irreversible happens:
   * images are only sent at the size their provider uses, never below it, and duplicates stay.
   */
  readonly store?: Store;
  /** Most input tokens an image may cost; above it the image is scaled down further. Undefined: no budget. */
  readonly budget?: number;
}

/** What became of one image: as sent, its tokens, and the key of its original when one was kept. */
export interface FittedImage {
  readonly action: 'kept' | 'resized' | 'downscaled' | 'duplicate' | 'passed';
  /** Why an image was left as it came (`unreadable`, `decode-failed`). */
  readonly reason?: string;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly width?: number;
  readonly height?: number;
  readonly key?: string;
}

export interface FittedImages {
  readonly text: string;
  /** One entry per image of the request, in order. */
  readonly images: readonly FittedImage[];
  /** Images sent smaller than they came, and their bytes before and after. */
  readonly resized: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  /** Images left as they came, by reason: `unreadable` (no header that reads), `decode-failed`. */
  readonly passed: Readonly<Record<string, number>>;
}

/** How an image goes upstream, decided at its first sight and remembered by its content. */
interface ImageForm {
  /** A digest of its pixels: two files showing the same image share it. */
  readonly pixels: string;
  /** Base64 of the bytes to send instead, or empty to send it as it came. */
  readonly data: string;
  readonly width: number;
  readonly height: number;
  /** Its original's CCR key, where one was kept. */
  readonly key?: string;
  /** Sent smaller than its provider would use it (over the budget): a note beside it says so. */
  readonly belowProvider?: boolean;
  /** Why it goes as it came, when it could not be decoded. */
  readonly failed?: string;
}

/**
 * Sends each inline image at the least size that serves: no larger than its provider would use
 * it (a 3,136 × 1,960 screenshot goes to Anthropic at 1,568 × 980 — the same tokens, fewer bytes);
 * above the token budget, smaller still, with a note beside it giving the original's key, which
 * `headroom_retrieve` answers with the original or a region of it at full resolution; and an
 * image the conversation already showed (the same bytes or the same pixels) is replaced by a note
 * naming the earlier one. Each image is decided at its first sight and remembered by its content,
 * so every later request of the session carries the same bytes. Images that do not read go as
 * they came, counted by reason.
 */
export async function fitImages(
  text: string,
  images: readonly ImageFigures[],
  format: WireFormat,
  options: FitImagesOptions,
): Promise<FittedImages> {
  const dialect = DIALECTS[format];
  const edits: ValueEdit[] = [];
  const out: FittedImage[] = [];
  const passed: Record<string, number> = {};
  const shown = new Map<string, { message: number; key?: string }>();
  let resized = 0;
  let bytesBefore = 0;
  let bytesAfter = 0;
  for (const figures of images) {
    const { ref, width, height, bytes } = figures;
    const tokensBefore = figures.tokens ?? 0;
    const form = width && height ? await formOf(figures, dialect.provider, options) : undefined;
    const reason = !form ? 'unreadable' : form.failed;
    if (!form || reason) {
      passed[reason ?? 'unreadable'] = (passed[reason ?? 'unreadable'] ?? 0) + 1;
      out.push({ action: 'passed', reason: reason ?? 'unreadable', tokensBefore, tokensAfter: tokensBefore });
      continue;
    }
    const earlier = shown.get(form.pixels);
    if (earlier && options.store && ref.part) {
      const note = `[image: the same as the one in message ${earlier.message + 1} of this conversation${earlier.key ? ` · ${KEY_PREFIX}${earlier.key}` : ''}]`;
      edits.push({ path: ref.part, value: JSON.stringify(dialect.textPart(note)) });
      out.push({ action: 'duplicate', tokensBefore, tokensAfter: 0, ...(earlier.key ? { key: earlier.key } : {}) });
      continue;
    }
    shown.set(form.pixels, { message: ref.message, ...(form.key ? { key: form.key } : {}) });
    const size = { width: form.width, height: form.height };
    const tokensAfter = imageTokens(size, dialect.provider, ref.detail);
    if (!form.data) {
      out.push({ action: 'kept', tokensBefore, tokensAfter, ...size });
      continue;
    }
    const data = ref.dataUrl ? `data:${ref.mediaType};base64,${form.data}` : form.data;
    const below = form.belowProvider && form.key && ref.part ? budgetNote(form, figures, tokensAfter) : undefined;
    edits.push({ path: ref.path, value: JSON.stringify(data) });
    if (below && ref.part) edits.push({ path: ref.part, after: JSON.stringify(dialect.textPart(below)) });
    out.push({
      action: below ? 'downscaled' : 'resized',
      tokensBefore,
      tokensAfter,
      ...size,
      ...(below && form.key ? { key: form.key } : {}),
    });
    resized++;
    bytesBefore += bytes;
    bytesAfter += Math.floor((form.data.length * 3) / 4);
  }
  const edited = editValuesAt(text, edits);
  if (edited === undefined) {
    // A path that no longer leads where it did: nothing is changed rather than something half-changed.
    return { text, images: images.map(imageAsCame), resized: 0, bytesBefore: 0, bytesAfter: 0, passed };
  }
  return { text: edited, images: out, resized, bytesBefore, bytesAfter, passed };
}

/** The words beside an image sent below its provider's size: what it is now, what it was, how to see more. */
function budgetNote(form: ImageForm, original: ImageFigures, tokens: number): string {
  return (
    `[image shown at ${form.width}×${form.height} (${tokens} tokens) of its original ` +
    `${original.width}×${original.height} (${original.tokens} tokens) · ` +
    `${KEY_PREFIX}${form.key} · headroom_retrieve with this key and "region": {"x","y","w","h"} ` +
    // The original named as the frame: an agent may have noted another scale of its own beside the image.
    `in pixels of the ${original.width}×${original.height} original shows that part at full resolution]`
  );
}

/** An image's figures when nothing was done to it: its tokens as it came, before and after. */
export function imageAsCame(figures: ImageFigures): FittedImage {
  return { action: 'kept', tokensBefore: figures.tokens ?? 0, tokensAfter: figures.tokens ?? 0 };
}

/**
 * The image's form, from memory or made now (its first sight): decoded once, its pixels digested,
 * scaled to the provider's size or the budget's, and its original kept when it goes smaller than
 * the provider would use it or may be named by a later duplicate.
 */
async function formOf(
  figures: ImageFigures,
  provider: 'anthropic' | 'openai' | 'google',
  options: FitImagesOptions,
): Promise<ImageForm> {
  const { ref } = figures;
  const width = figures.width as number;
  const height = figures.height as number;
  const memory = sha256Hex(
    `image\u0000${provider}\u0000${ref.detail ?? ''}\u0000${options.budget ?? ''}\u0000${options.store ? 'kept' : ''}\u0000${ref.data}`,
  );
  const remembered = await options.firstSight.get(memory);
  if (remembered) return JSON.parse(remembered.text) as ImageForm;
  const form = await firstSight(figures, width, height, provider, options);
  const kept = await options.firstSight.set(memory, { text: JSON.stringify(form) });
  return kept ? (JSON.parse(kept.text) as ImageForm) : form;
}

async function firstSight(
  figures: ImageFigures,
  width: number,
  height: number,
  provider: 'anthropic' | 'openai' | 'google',
  options: FitImagesOptions,
): Promise<ImageForm> {
  const { ref } = figures;
  const unchanged = { data: '', width, height };
  const original = fromBase64(ref.data);
  const pixels = original && (await options.codec.pixelDigest(original).catch(() => undefined));
  if (!original || !pixels) return { ...unchanged, pixels: `bytes:${sha256Hex(ref.data)}`, failed: 'decode-failed' };
  let key: string | undefined;
  if (options.store) {
    const whole = `data:${ref.mediaType || `image/${figures.format}`};base64,${ref.data.replace(/\s+/g, '')}`;
    const entry = { key: contentKey(whole), original: whole, contentType: 'image', tokens: figures.tokens ?? 0 };
    // A store that cannot take it now: the image goes at its provider's size, nothing irreversible.
    key = await Promise.resolve(options.store.put(entry)).then(
      () => entry.key,
      () => undefined,
    );
  }
  const kept = key ? { key } : {};
  // OpenAI's low detail sees the image within 512 × 512, whatever was sent.
  const fits =
    provider === 'openai' && ref.detail === 'low'
      ? sizeWithinBudget({ width, height }, provider, 0, 'high')
      : providerMaxSize({ width, height }, provider);
  const target =
    options.budget !== undefined && key ? sizeWithinBudget(fits, provider, options.budget, ref.detail) : fits;
  if (target.width >= width && target.height >= height) return { ...unchanged, pixels, ...kept };
  const smaller = await options.codec.resize(original, target).catch(() => undefined);
  // A re-encoding that saved nothing at the provider's own size is not worth sending; one below it always is.
  const worth = smaller && (smaller.length < figures.bytes || target.width < fits.width);
  if (!worth) return { ...unchanged, pixels, ...kept, ...(smaller ? {} : { failed: 'decode-failed' }) };
  const belowProvider = target.width < fits.width ? { belowProvider: true } : {};
  return { data: toBase64(smaller), width: target.width, height: target.height, pixels, ...kept, ...belowProvider };
}
