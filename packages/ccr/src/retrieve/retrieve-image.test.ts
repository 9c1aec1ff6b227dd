import { contentKey, type ImageCodec } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { entryFor } from '../testing/store-conformance.js';
import { handleRetrieveCall } from '../tool/retrieve-tool.js';
import { type RetrieveResult, retrieve } from './retrieve.js';

const imageOf = (result: RetrieveResult) => (result.found ? result.image : undefined);

/** A PNG's header for a 3,000 × 2,000 image: all the sizing reads. */
function pngDataUrl(width: number, height: number): string {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return `data:image/png;base64,${btoa(String.fromCharCode(...bytes))}`;
}

const original = pngDataUrl(3000, 2000);
const key = contentKey(original);
const store = createMemoryStore();
await store.put(entryFor(original, { contentType: 'image', toolName: 'image' }));
const text = 'a stored log line\n';
await store.put(entryFor(text));

/** A codec that records what it was asked and answers with the size it would have made (pixels are sharp's job, tested with it in the proxy). */
function recordingCodec() {
  const asked: unknown[] = [];
  const codec: ImageCodec = {
    resize: async (_bytes, size) => {
      asked.push({ resize: size });
      return new Uint8Array([1]);
    },
    crop: async (_bytes, region, within) => {
      asked.push({ crop: region, within });
      const scale = within ? Math.min(1, within.width / region.w, within.height / region.h) : 1;
      return { bytes: new Uint8Array([2]), width: Math.round(region.w * scale), height: Math.round(region.h * scale) };
    },
    pixelDigest: async () => 'digest',
  };
  return { codec, asked };
}
const within = (size: { width: number; height: number }) => {
  const scale = Math.min(1, 1568 / Math.max(size.width, size.height));
  return { width: Math.round(size.width * scale), height: Math.round(size.height * scale) };
};

describe('retrieving a stored image', () => {
  it('gives the whole image at the most the provider uses, and says how to zoom', async () => {
    const { codec, asked } = recordingCodec();
    const result = await retrieve(store, key, { images: { codec, within } });
    expect(result.found).toBe(true);
    expect(result.text).toContain('3000×2000 PNG, shown at 1568×1045');
    expect(imageOf(result)).toEqual({ mediaType: 'image/png', data: 'AQ==' });
    expect(asked).toEqual([{ resize: { width: 1568, height: 1045 } }]);
  });

  it('cuts a region at full resolution, or scaled when it is larger than the provider uses', async () => {
    const { codec, asked } = recordingCodec();
    const small = await retrieve(store, key, { region: { x: 100, y: 50, w: 600, h: 300 }, images: { codec, within } });
    expect(small.text).toContain(
      'region x=100 y=50 w=600 h=300 of the original image, 3000×2000 PNG at full resolution',
    );
    expect(imageOf(small)?.data).toBe('Ag==');
    const large = await retrieve(store, key, { region: { x: 0, y: 0, w: 3000, h: 1000 }, images: { codec, within } });
    expect(large.text).toContain('scaled to 1568×523');
    expect(asked).toHaveLength(2);
  });

  it('refuses a region outside the image, and a region of a text key, with the reason', async () => {
    const { codec } = recordingCodec();
    const outside = await retrieve(store, key, { region: { x: 3000, y: 0, w: 10, h: 10 }, images: { codec } });
    expect(outside).toMatchObject({ found: false });
    expect(outside.text).toContain('outside the image of 3000×2000 PNG; x and y start at 0');
    const onText = await retrieve(store, contentKey(text), { region: { x: 0, y: 0, w: 1, h: 1 } });
    expect(onText).toMatchObject({ found: false });
    expect(onText.text).toContain('is text, not an image');
  });

  it('without a codec gives the original whole and says a region cannot be cut', async () => {
    const whole = await retrieve(store, key, {});
    expect(imageOf(whole)?.data).toBe(original.split(',')[1]);
    const region = await retrieve(store, key, { region: { x: 0, y: 0, w: 10, h: 10 } });
    expect(region.text).toContain('whole: a region cannot be cut here');
    expect(imageOf(region)?.data).toBe(original.split(',')[1]);
  });

  it('the tool call reads a region, also written as strings, and names a malformed one', async () => {
    const { codec } = recordingCodec();
    const ok = await handleRetrieveCall(store, { key, region: { x: '10', y: 0, w: 20, h: 20 } }, { codec });
    expect(ok.isError).toBe(false);
    expect(ok.image?.data).toBe('Ag==');
    const bad = await handleRetrieveCall(store, { key, region: { x: 1, y: 2 } }, { codec });
    expect(bad).toMatchObject({ isError: true });
    expect(bad.text).toContain('needs "region" as');
  });
});
