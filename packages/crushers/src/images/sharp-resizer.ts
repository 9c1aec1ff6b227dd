// Node-only: images re-encoded with sharp (libvips), loaded the first time an image is resized.
import type { ImageResizer } from '@headroom/core';

type Sharp = typeof import('sharp').default;

/**
 * Resizes an image with sharp, in its own format: PNG stays lossless (at zlib level 9: a UI
 * screenshot's resized PNG is about a third smaller than Chromium's own), JPEG and WebP are
 * written at quality 90. sharp loads on the first image, never before, so a proxy that sees no image never
 * pays for it; a machine without it leaves every image as it came.
 */
export function createSharpResizer(): ImageResizer {
  let loading: Promise<Sharp | undefined> | undefined;
  const load = () => {
    loading ??= import('sharp').then(
      (module) => module.default,
      () => undefined,
    );
    return loading;
  };
  return {
    async resize(bytes, size) {
      const sharp = await load();
      if (!sharp) return undefined;
      try {
        const image = sharp(bytes, { animated: false, limitInputPixels: 100_000_000 });
        const { format } = await image.metadata();
        const resized = image.resize(size.width, size.height, { fit: 'fill' });
        const encoded =
          format === 'jpeg'
            ? resized.jpeg({ quality: 90 })
            : format === 'webp'
              ? resized.webp({ quality: 90 })
              : format === 'png'
                ? resized.png({ compressionLevel: 9 })
                : undefined;
        return encoded ? new Uint8Array(await encoded.toBuffer()) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
