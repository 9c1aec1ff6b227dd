import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../dialects/registry.js';
import { fromBase64, imageSize } from './image-size.js';
import { imageTokens, providerMaxSize, sizeWithinBudget } from './image-tokens.js';
import { requestImages } from './request-images.js';

/** A 1×1 GIF, a 1×1 lossless WebP, and a PNG header of 1,568 × 980 (the rest of the file is not needed to size it). */
const GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
const WEBP = 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==';
const png = (width: number, height: number) => {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return btoa(String.fromCharCode(...bytes));
};

describe('image sizes from their headers', () => {
  it('reads PNG, GIF and WebP, and refuses what is not an image', () => {
    expect(imageSize(fromBase64(png(1568, 980)) as Uint8Array)).toEqual({ format: 'png', width: 1568, height: 980 });
    expect(imageSize(fromBase64(GIF) as Uint8Array)).toEqual({ format: 'gif', width: 1, height: 1 });
    expect(imageSize(fromBase64(WEBP) as Uint8Array)).toEqual({ format: 'webp', width: 1, height: 1 });
    expect(imageSize(new TextEncoder().encode('not an image at all'))).toBeUndefined();
    expect(fromBase64('not base64!')).toBeUndefined();
  });
});

describe('image tokens by each provider’s rule', () => {
  it('Anthropic: width × height / 750 after its 1,568-px long edge', () => {
    expect(imageTokens({ width: 1568, height: 1568 }, 'anthropic')).toBe(3279);
    expect(imageTokens({ width: 3000, height: 2000 }, 'anthropic')).toBe(2185);
    expect(imageTokens({ width: 200, height: 200 }, 'anthropic')).toBe(54);
  });

  it('OpenAI: 85 + 170 per 512-px tile after fitting, and 85 at low detail', () => {
    expect(imageTokens({ width: 2048, height: 1024 }, 'openai')).toBe(1105);
    expect(imageTokens({ width: 1024, height: 1024 }, 'openai')).toBe(765);
    expect(imageTokens({ width: 4096, height: 4096 }, 'openai', 'low')).toBe(85);
  });

  it('Gemini: 258 for a small image, 258 per 768-px tile for a larger one', () => {
    expect(imageTokens({ width: 300, height: 300 }, 'google')).toBe(258);
    expect(imageTokens({ width: 1920, height: 1080 }, 'google')).toBe(1548);
  });

  it('knows the size beyond which a provider scales down anyway', () => {
    expect(providerMaxSize({ width: 3136, height: 1960 }, 'anthropic')).toEqual({ width: 1568, height: 980 });
    expect(providerMaxSize({ width: 4096, height: 2048 }, 'openai')).toEqual({ width: 1536, height: 768 });
    expect(providerMaxSize({ width: 800, height: 600 }, 'anthropic')).toEqual({ width: 800, height: 600 });
  });
});

describe('the largest size within a token budget', () => {
  it('keeps the shape, stays within the budget, and is the largest that does', () => {
    for (const provider of ['anthropic', 'openai', 'google'] as const) {
      const size = sizeWithinBudget({ width: 1568, height: 980 }, provider, 600);
      expect(imageTokens(size, provider)).toBeLessThanOrEqual(600);
      const oneLarger = { width: size.width + 2, height: Math.round(((size.width + 2) * 980) / 1568) };
      expect(imageTokens(oneLarger, provider)).toBeGreaterThan(600);
      expect(Math.abs(size.width / size.height - 1568 / 980)).toBeLessThan(0.01);
    }
  });

  it('leaves an image already within the budget as it is, and floors at the provider’s least cost', () => {
    expect(sizeWithinBudget({ width: 300, height: 200 }, 'anthropic', 600)).toEqual({ width: 300, height: 200 });
    const oneTile = sizeWithinBudget({ width: 2000, height: 1000 }, 'openai', 100);
    expect(imageTokens(oneTile, 'openai')).toBe(255);
    expect(oneTile.width).toBe(512);
  });
});

describe('the images a request carries, in every wire format', () => {
  const data = png(1568, 980);
  const url = `data:image/png;base64,${data}`;
  const cases = {
    anthropic: {
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'screenshot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't',
              content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }],
            },
          ],
        },
        { role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
      ],
    },
    openai: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url, detail: 'high' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
      ],
    },
    responses: {
      input: [
        { role: 'user', content: [{ type: 'input_image', image_url: url, detail: 'auto' }] },
        { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: url }] },
      ],
    },
    gemini: {
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'look' },
            { inlineData: { mimeType: 'image/png', data } },
            { fileData: { fileUri: 'gs://x' } },
          ],
        },
      ],
    },
  } as const;

  it.each(Object.entries(cases))('%s: inline images found and priced; URLs left alone', (format, request) => {
    const images = requestImages(request as Record<string, unknown>, format as keyof typeof cases);
    const expected = { anthropic: 2, openai: 1, responses: 2, gemini: 1 }[format as keyof typeof cases];
    expect(images).toHaveLength(expected);
    const provider = DIALECTS[format as keyof typeof cases].provider;
    for (const image of images) {
      expect(image).toMatchObject({ width: 1568, height: 980, format: 'png', bytes: 33 });
      expect(image.tokens).toBe(imageTokens({ width: 1568, height: 980 }, provider, image.ref.detail));
      expect(image.ref.dataUrl).toBe(format === 'openai' || format === 'responses');
    }
  });
});

describe('Gemini images priced by the model’s generation', () => {
  const inline = { inlineData: { mimeType: 'image/png', data: png(1568, 980) } };
  const request = (part: Record<string, unknown>, config?: Record<string, unknown>) => ({
    contents: [{ role: 'user', parts: [{ text: 'What is on screen?' }, part] }],
    ...(config ? { generationConfig: config } : {}),
  });

  it('Gemini 3: a fixed allocation by media resolution, the part’s own over the request’s, high by default', () => {
    const tokens = (body: Record<string, unknown>) => requestImages(body, 'gemini', 'gemini-3.8-flash')[0]?.tokens;
    expect(tokens(request(inline))).toBe(1120);
    expect(tokens(request(inline, { mediaResolution: 'MEDIA_RESOLUTION_MEDIUM' }))).toBe(560);
    expect(
      tokens(
        request(
          { ...inline, mediaResolution: { level: 'MEDIA_RESOLUTION_LOW' } },
          { mediaResolution: 'MEDIA_RESOLUTION_MEDIUM' },
        ),
      ),
    ).toBe(280);
  });

  it('earlier Gemini, and a model not named: by tiles, whatever the media resolution says', () => {
    const body = request(inline, { mediaResolution: 'MEDIA_RESOLUTION_LOW' });
    expect(requestImages(body, 'gemini', 'gemini-2.5-pro')[0]?.tokens).toBe(1548);
    expect(requestImages(body, 'gemini')[0]?.tokens).toBe(1548);
  });

  it('within any budget at a fixed allocation: nothing to gain from fewer pixels', () => {
    expect(sizeWithinBudget({ width: 2400, height: 1500 }, 'google', 600, 'MEDIA_RESOLUTION_HIGH')).toEqual({
      width: 2400,
      height: 1500,
    });
  });
});
