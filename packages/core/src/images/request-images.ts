import type { ImageRef } from '../dialects/images.js';
import { DIALECTS } from '../dialects/registry.js';
import type { WireFormat } from '../request/segment.js';
import { fromBase64, imageSize } from './image-size.js';
import { imageTokens } from './image-tokens.js';

/** Base64 characters decoded to find an image's size: 96 kB of it, where every header format puts it. */
const HEAD_CHARS = 128 * 1024;

/** One inline image of a request, sized and priced for the request's own provider. */
export interface ImageFigures {
  readonly ref: ImageRef;
  /** Bytes of the decoded image. */
  readonly bytes: number;
  /** Undefined for an image whose header does not read (corrupt or of another format): left alone. */
  readonly width?: number;
  readonly height?: number;
  readonly format?: string;
  /** Input tokens it costs at the request's provider, by its published rule. */
  readonly tokens?: number;
}

/** Every inline image of a request, with its size and its cost in tokens. */
export function requestImages(request: Record<string, unknown>, format: WireFormat): ImageFigures[] {
  const dialect = DIALECTS[format];
  return dialect.images(request).map((ref) => {
    // The header is in the first bytes: the whole image (megabytes, on every turn) is not decoded.
    const head = fromBase64(ref.data.slice(0, HEAD_CHARS));
    const size = head ? imageSize(head) : undefined;
    const data = ref.data.replace(/\s+/g, '');
    return {
      ref,
      bytes: Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0),
      ...(size
        ? {
            width: size.width,
            height: size.height,
            format: size.format,
            tokens: imageTokens(size, dialect.provider, ref.detail),
          }
        : {}),
    };
  });
}
