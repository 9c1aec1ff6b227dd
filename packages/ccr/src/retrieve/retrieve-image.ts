import {
  dataUrlParts,
  formatRetrievedHeader,
  fromBase64,
  type ImageCodec,
  type ImageRegion,
  imageSize,
  toBase64,
} from '@headroom/core';

/** What retrieving an image may do to pixels: cut a region, scale to what the model's provider uses. */
export interface RetrieveImages {
  readonly codec: ImageCodec;
  /** The largest size worth sending the asking model (its provider scales anything larger down). */
  readonly within?: (size: { width: number; height: number }) => { width: number; height: number };
}

export interface RetrievedImage {
  readonly text: string;
  readonly image?: { readonly mediaType: string; readonly data: string };
  /** True when the ask could not be answered as asked (a region outside the image, say). */
  readonly isError?: boolean;
}

/**
 * A stored image given back: whole (at the most its provider would use), or `region` cut out of
 * the original at full resolution — the zoom for an image that was sent smaller than it came.
 * Without a codec the original goes whole, and a region is said to be unavailable, not guessed.
 */
export async function retrieveImage(
  key: string,
  original: string,
  region: ImageRegion | undefined,
  images: RetrieveImages | undefined,
): Promise<RetrievedImage> {
  const parts = dataUrlParts(original);
  const bytes = parts && fromBase64(parts.data);
  const size = bytes && imageSize(bytes);
  if (!parts || !bytes || !size)
    return { text: formatRetrievedHeader(key, 'a stored image that no longer reads'), isError: true };
  const described = `${size.width}×${size.height} ${size.format.toUpperCase()}`;
  const whole = { mediaType: parts.mediaType, data: parts.data };
  if (region) {
    const outside = region.x >= size.width || region.y >= size.height || region.w < 1 || region.h < 1;
    if (outside) {
      return {
        text: formatRetrievedHeader(
          key,
          `region x=${region.x} y=${region.y} w=${region.w} h=${region.h} is outside the image of ${described}; x and y start at 0`,
        ),
        isError: true,
      };
    }
    const within = images?.within?.({ width: region.w, height: region.h });
    const cut = images && (await images.codec.crop(bytes, region, within).catch(() => undefined));
    if (!cut) {
      return {
        text: formatRetrievedHeader(key, `the original image, ${described}, whole: a region cannot be cut here`),
        image: whole,
      };
    }
    const scaled =
      cut.width < Math.min(region.w, size.width - region.x)
        ? `, scaled to ${cut.width}×${cut.height}`
        : ' at full resolution';
    return {
      text: formatRetrievedHeader(
        key,
        `region x=${region.x} y=${region.y} w=${region.w} h=${region.h} of the original image, ${described}${scaled}`,
      ),
      image: { mediaType: parts.mediaType, data: toBase64(cut.bytes) },
    };
  }
  const within = images?.within?.({ width: size.width, height: size.height });
  if (images && within && (within.width < size.width || within.height < size.height)) {
    const smaller = await images.codec.resize(bytes, within).catch(() => undefined);
    if (smaller) {
      return {
        text: formatRetrievedHeader(
          key,
          `the original image, ${described}, shown at ${within.width}×${within.height} (the most this model uses); ask for a region to see part of it at full resolution`,
        ),
        image: { mediaType: parts.mediaType, data: toBase64(smaller) },
      };
    }
  }
  return { text: formatRetrievedHeader(key, `the original image, ${described}`), image: whole };
}
