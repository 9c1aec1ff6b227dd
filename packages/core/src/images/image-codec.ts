/** A rectangle of an image, in its pixels. */
export interface ImageRegion {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * What the image transforms need done to pixels, kept behind a seam so the core stays free of
 * native code: `@headroom/crushers/node` implements it with sharp. Every method gives `undefined`
 * for bytes it cannot decode, and never throws for them.
 */
export interface ImageCodec {
  /** The image at `size`, re-encoded in its own format (a GIF as its first frame). */
  resize(bytes: Uint8Array, size: { readonly width: number; readonly height: number }): Promise<Uint8Array | undefined>;
  /**
   * `region` cut out at full resolution (clamped to the image), then scaled into `within` when it
   * is larger; its pixel size as sent.
   */
  crop(
    bytes: Uint8Array,
    region: ImageRegion,
    within?: { readonly width: number; readonly height: number },
  ): Promise<{ readonly bytes: Uint8Array; readonly width: number; readonly height: number } | undefined>;
  /** A digest of the decoded pixels: the same for two files that show the same image. */
  pixelDigest(bytes: Uint8Array): Promise<string | undefined>;
}
