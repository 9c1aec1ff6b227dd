import type { ImageSize } from './image-size.js';

/**
 * What an image costs in input tokens, by each provider's published rule:
 * - Anthropic: scaled to at most 1,568 px on its long edge, then width × height / 750;
 * - OpenAI: `low` detail 85; otherwise scaled to fit 2,048 × 2,048, then its short side to at most
 *   768, and 85 + 170 per 512-px tile;
 * - Gemini before 3: 258 when both sides are at most 384 px, else 258 per 768-px tile;
 * - Gemini 3: a fixed allocation per image by its media resolution (`detail` carries the level),
 *   whatever its size: 280 low, 560 medium, 1,120 high (the default for images), 2,240 ultra high.
 */
export type ImageProvider = 'anthropic' | 'openai' | 'google';

/** Gemini 3's tokens per image, by media resolution level. */
export const GEMINI_MEDIA_TOKENS: Readonly<Record<string, number>> = {
  MEDIA_RESOLUTION_LOW: 280,
  MEDIA_RESOLUTION_MEDIUM: 560,
  MEDIA_RESOLUTION_HIGH: 1_120,
  MEDIA_RESOLUTION_ULTRA_HIGH: 2_240,
};

export function imageTokens(
  size: Pick<ImageSize, 'width' | 'height'>,
  provider: ImageProvider,
  detail?: string,
): number {
  const { width, height } = size;
  if (provider === 'anthropic') {
    const scale = Math.min(1, 1568 / Math.max(width, height));
    return Math.ceil((Math.round(width * scale) * Math.round(height * scale)) / 750);
  }
  if (provider === 'openai') {
    if (detail === 'low') return 85;
    const fit = Math.min(1, 2048 / Math.max(width, height));
    let w = width * fit;
    let h = height * fit;
    const shorter = Math.min(w, h);
    if (shorter > 768) {
      w = (w * 768) / shorter;
      h = (h * 768) / shorter;
    }
    return 85 + 170 * Math.ceil(Math.round(w) / 512) * Math.ceil(Math.round(h) / 512);
  }
  const fixed = detail === undefined ? undefined : GEMINI_MEDIA_TOKENS[detail];
  if (fixed !== undefined) return fixed;
  if (width <= 384 && height <= 384) return 258;
  return 258 * Math.ceil(width / 768) * Math.ceil(height / 768);
}

/**
 * The size beyond which a provider scales an image down anyway (so sending more pixels buys
 * nothing): the long edge Anthropic keeps, and the box OpenAI fits high-detail images in.
 */
export function providerMaxSize(
  size: Pick<ImageSize, 'width' | 'height'>,
  provider: ImageProvider,
): { width: number; height: number } {
  const { width, height } = size;
  let scale = 1;
  if (provider === 'anthropic') scale = Math.min(1, 1568 / Math.max(width, height));
  else if (provider === 'openai') {
    scale = Math.min(1, 2048 / Math.max(width, height));
    const shorter = Math.min(width, height) * scale;
    if (shorter > 768) scale *= 768 / shorter;
  }
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The largest size of the same shape, no larger than `size`, that costs at most `budget` tokens
 * at `provider` — or, where no size is that cheap (OpenAI's one tile, Gemini's one tile), the
 * largest at the provider's least cost. Found by halving over the long edge: cost only grows with size.
 */
export function sizeWithinBudget(
  size: Pick<ImageSize, 'width' | 'height'>,
  provider: ImageProvider,
  budget: number,
  detail?: string,
): { width: number; height: number } {
  const long = Math.max(size.width, size.height);
  const scaled = (edge: number) => {
    const scale = edge / long;
    return {
      width: Math.max(1, Math.round(size.width * scale)),
      height: Math.max(1, Math.round(size.height * scale)),
    };
  };
  const cost = (edge: number) => imageTokens(scaled(edge), provider, detail);
  const ceiling = Math.max(budget, cost(1));
  if (cost(long) <= ceiling) return { width: size.width, height: size.height };
  let low = 1;
  let high = long;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (cost(mid) <= ceiling) low = mid;
    else high = mid;
  }
  return scaled(low);
}
