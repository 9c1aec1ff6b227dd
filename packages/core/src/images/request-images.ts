import type { ImageRef } from '../dialects/images.js';
import { DIALECTS } from '../dialects/registry.js';
import type { WireFormat } from '../request/segment.js';
import { fromBase64, imageSize } from './image-size.js';
import { GEMINI_MEDIA_TOKENS, imageTokens } from './image-tokens.js';

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

/**
 * Every inline image of a request, with its size and its cost in tokens. `model` decides the rule
 * where a provider's differs by generation: Gemini 3 prices an image by its media resolution (high
 * unless the part or the request says otherwise), earlier Gemini models by its tiles.
 */
export function requestImages(request: Record<string, unknown>, format: WireFormat, model?: string): ImageFigures[] {
  const dialect = DIALECTS[format];
  const fixedByLevel = dialect.provider === 'google' && geminiGeneration(model) >= 3;
  return dialect.images(request).map((found) => {
    const { detail, ...rest } = found;
    const ref: ImageRef =
      dialect.provider !== 'google'
        ? found
        : fixedByLevel
          ? { ...rest, detail: detail && detail in GEMINI_MEDIA_TOKENS ? detail : 'MEDIA_RESOLUTION_HIGH' }
          : rest;
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

/** The major version in a Gemini model name (`gemini-3.8-flash` → 3); 0 when it names none. */
function geminiGeneration(model: string | undefined): number {
  const match = /gemini-(\d+)/i.exec(model ?? '');
  return match ? Number(match[1]) : 0;
}
