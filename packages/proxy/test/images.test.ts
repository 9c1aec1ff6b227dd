import { DIALECTS, fromBase64, imageSize, imageTokens, providerMaxSize, type WireFormat } from '@headroom/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import type { ProxyStats } from '../src/stats.js';
import { type ScriptedModel, startScriptedModel } from '../src/testing/index.js';
import { dashboardShot, launchChromium } from './chromium.js';

let browser: Browser;
let model: ScriptedModel;
let running: RunningProxy;
/** Real screenshots of the dashboard: a PNG of 1,600 × 1,000, a JPEG of 1,280 × 720, and a PNG of 3,136 × 1,960 (a 2× display). */
const shots: { png: string; jpeg: string; retina: string } = { png: '', jpeg: '', retina: '' };

beforeAll(async () => {
  model = await startScriptedModel(() => ({ text: 'I see the dashboard.' }));
  running = await serveProxy({
    port: 0,
    upstreamAnthropic: model.url,
    upstreamOpenAI: model.url,
    upstreamGemini: model.url,
  });
  browser = await launchChromium();
  shots.png = await dashboardShot(browser, running.url, { width: 1600, height: 1000 });
  shots.jpeg = await dashboardShot(browser, running.url, { width: 1280, height: 720, type: 'jpeg' });
  shots.retina = await dashboardShot(browser, running.url, { width: 1568, height: 980, scale: 2 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await model?.close();
});

/** A request in `format` showing both screenshots (the JPEG as a tool's result where the format has them). */
function request(format: WireFormat): { path: string; body: Record<string, unknown> } {
  const { png, jpeg } = shots;
  switch (format) {
    case 'anthropic':
      return {
        path: '/v1/messages',
        body: {
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What does the page show?' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
              ],
            },
            { role: 'assistant', content: [{ type: 'tool_use', id: 's', name: 'screenshot', input: {} }] },
            {
              role: 'user',
              content: [
                {
                  type: 'tool_result',
                  tool_use_id: 's',
                  content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: jpeg } }],
                },
              ],
            },
          ],
        },
      };
    case 'openai':
      return {
        path: '/v1/chat/completions',
        body: {
          model: 'gpt-4o',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What does the page show?' },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${png}`, detail: 'high' } },
                { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg}`, detail: 'low' } },
              ],
            },
          ],
        },
      };
    case 'responses':
      return {
        path: '/v1/responses',
        body: {
          model: 'gpt-4o',
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: 'What does the page show?' },
                { type: 'input_image', image_url: `data:image/png;base64,${png}` },
              ],
            },
            { type: 'function_call', call_id: 's', name: 'screenshot', arguments: '{}' },
            {
              type: 'function_call_output',
              call_id: 's',
              output: [{ type: 'input_image', image_url: `data:image/jpeg;base64,${jpeg}` }],
            },
          ],
        },
      };
    case 'gemini':
      return {
        path: '/v1beta/models/gemini-2.5-pro:generateContent',
        body: {
          contents: [
            {
              role: 'user',
              parts: [
                { text: 'What does the page show?' },
                { inlineData: { mimeType: 'image/png', data: png } },
                { inlineData: { mimeType: 'image/jpeg', data: jpeg } },
              ],
            },
          ],
        },
      };
  }
}

describe('images in real screenshots, in every wire format', () => {
  it.each(['anthropic', 'openai', 'responses', 'gemini'] as const)(
    '%s: counted and priced by the provider’s rule, and sent no larger than it uses them',
    async (format) => {
      const before = running.proxy.stats() as ProxyStats;
      const { path, body } = request(format);
      const text = JSON.stringify(body);
      const response = await fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
      expect(response.status).toBe(200);
      await response.text();
      // Each image goes at the size its provider uses it (OpenAI's low detail: 512 px) — or as it came,
      // when re-encoding it saved no bytes — and so costs the same tokens either way.
      const sent = model.received.at(-1)?.body ?? '';
      const provider = DIALECTS[format].provider;
      const images = DIALECTS[format].images(JSON.parse(sent));
      expect(images).toHaveLength(2);
      const originals = [
        { width: 1600, height: 1000, detail: format === 'openai' ? 'high' : undefined },
        { width: 1280, height: 720, detail: format === 'openai' ? 'low' : undefined },
      ];
      images.forEach((image, k) => {
        const original = originals[k] as { width: number; height: number; detail?: string };
        const size = imageSize(fromBase64(image.data) as Uint8Array) as { width: number; height: number };
        const used = original.detail === 'low' ? { width: 512, height: 288 } : providerMaxSize(original, provider);
        expect([`${original.width}x${original.height}`, `${used.width}x${used.height}`]).toContain(
          `${size.width}x${size.height}`,
        );
        expect(imageTokens(size, provider, original.detail)).toBe(imageTokens(original, provider, original.detail));
      });
      const after = running.proxy.stats() as ProxyStats;
      const expected =
        imageTokens({ width: 1600, height: 1000 }, provider, 'high') +
        imageTokens({ width: 1280, height: 720 }, provider, format === 'openai' ? 'low' : undefined);
      expect(after.images - before.images).toBe(2);
      expect(after.imageTokens - before.imageTokens).toBe(expected);
    },
  );

  it('sends a 2× screenshot at the size Anthropic uses it: the same tokens, far fewer bytes, the same bytes every turn', async () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is on the screen?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: shots.retina } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUgAA' } },
          ],
        },
      ],
    };
    const sendIt = async () => {
      const response = await fetch(`${running.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      await response.text();
      return model.received.at(-1)?.body ?? '';
    };
    const first = await sendIt();
    const sent = JSON.parse(first).messages[0].content as { source?: { data: string } }[];
    const original = imageSize(fromBase64(shots.retina) as Uint8Array);
    const resized = imageSize(fromBase64(sent[1]?.source?.data ?? '') as Uint8Array);
    expect(original).toEqual({ format: 'png', width: 3136, height: 1960 });
    expect(resized).toEqual({ format: 'png', width: 1568, height: 980 });
    expect(imageTokens(resized as { width: number; height: number }, 'anthropic')).toBe(
      imageTokens(original as { width: number; height: number }, 'anthropic'),
    );
    expect(sent[1]?.source?.data.length ?? 0).toBeLessThan(shots.retina.length * 0.8);
    // A header that does not read: sent as it came.
    expect(sent[2]?.source?.data).toBe('iVBORw0KGgoAAAANSUhEUgAA');
    // The next turn carries the same image: the same bytes go upstream.
    expect(await sendIt()).toBe(first);
    const stats = running.proxy.stats() as ProxyStats;
    expect(stats.imagesResized).toBeGreaterThanOrEqual(2);
    expect(stats.imageBytesAfter).toBeLessThan(stats.imageBytesBefore);
  });

  it('prices a 1,600-px screenshot as the providers do', () => {
    expect(imageTokens({ width: 1600, height: 1000 }, 'anthropic')).toBe(2049);
    expect(imageTokens({ width: 1600, height: 1000 }, 'openai')).toBe(1105);
    expect(imageTokens({ width: 1600, height: 1000 }, 'google')).toBe(1548);
  });
});
