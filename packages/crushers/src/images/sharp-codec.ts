// Node-only: images decoded and re-encoded with sharp (libvips), loaded the first time an image is seen.
import { createHash } from 'node:crypto';
import type { ImageCodec } from '@headroom/core';

type Sharp = typeof import('sharp').default;
type SharpImage = ReturnType<Sharp>;

/** Images of more pixels than this are not decoded (a decompression bomb costs nothing but a pass-through). */
const MAX_INPUT_PIXELS = 100_000_000;

/** sharp's and libvips's versions when sharp loads on this machine, else why it does not. */
export async function imageCodecStatus(): Promise<{ sharp: string; vips: string } | { error: string }> {
  try {
    const { versions } = (await import('sharp')).default;
    return { sharp: versions.sharp ?? 'unknown', vips: versions.vips };
  } catch (error) {
    return { error: (error as Error).message.split('\n')[0] ?? 'sharp did not load' };
  }
}

/**
 * The image codec, with sharp: PNG stays lossless (at zlib level 9: a UI screenshot's resized PNG
 * is about a third smaller than Chromium's own), JPEG and WebP are written at quality 90, a GIF as
 * its first frame (all a provider reads of it). sharp loads on the first image, never before, so a
 * proxy that sees no image never pays for it; a machine without it leaves every image as it came.
 */
export function createSharpCodec(): ImageCodec {
  let loading: Promise<Sharp | undefined> | undefined;
  const load = () => {
    loading ??= import('sharp').then(
      (module) => module.default,
      () => undefined,
    );
    return loading;
  };
  /** The decoded image and its format, or undefined when sharp is missing or the bytes do not decode. */
  const open = async (
    bytes: Uint8Array,
  ): Promise<{ image: SharpImage; format: string; width: number; height: number } | undefined> => {
    const sharp = await load();
    if (!sharp) return undefined;
    try {
      const image = sharp(bytes, { animated: false, limitInputPixels: MAX_INPUT_PIXELS });
      const { format, width, height } = await image.metadata();
      return format && width && height ? { image, format, width, height } : undefined;
    } catch {
      return undefined;
    }
  };
  const encode = async (image: SharpImage, format: string): Promise<Uint8Array | undefined> => {
    const encoded =
      format === 'jpeg'
        ? image.jpeg({ quality: 90 })
        : format === 'webp'
          ? image.webp({ quality: 90 })
          : format === 'png'
            ? image.png({ compressionLevel: 9 })
            : format === 'gif'
              ? image.gif()
              : undefined;
    return encoded ? new Uint8Array(await encoded.toBuffer()) : undefined;
  };
  return {
    async resize(bytes, size) {
      const opened = await open(bytes);
      if (!opened) return undefined;
      try {
        return await encode(opened.image.resize(size.width, size.height, { fit: 'fill' }), opened.format);
      } catch {
        return undefined;
      }
    },
    async crop(bytes, region, within) {
      const opened = await open(bytes);
      if (!opened) return undefined;
      const left = clamp(Math.round(region.x), 0, opened.width - 1);
      const top = clamp(Math.round(region.y), 0, opened.height - 1);
      const width = clamp(Math.round(region.w), 1, opened.width - left);
      const height = clamp(Math.round(region.h), 1, opened.height - top);
      const scale = within ? Math.min(1, within.width / width, within.height / height) : 1;
      const out = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
      try {
        let image = opened.image.extract({ left, top, width, height });
        if (scale < 1) image = image.resize(out.width, out.height, { fit: 'fill' });
        const encoded = await encode(image, opened.format);
        return encoded ? { bytes: encoded, ...out } : undefined;
      } catch {
        return undefined;
      }
    },
    async pixelDigest(bytes) {
      const opened = await open(bytes);
      if (!opened) return undefined;
      try {
        // RGBA whatever the file's channels, so a PNG and a lossless WebP of one picture agree.
        const { data, info } = await opened.image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        return createHash('sha256').update(`${info.width}x${info.height}:`).update(data).digest('hex');
      } catch {
        return undefined;
      }
    },
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
