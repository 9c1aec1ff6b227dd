import { DIALECTS, imageTokens, type WireFormat } from '@headroom/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import type { ProxyStats } from '../src/stats.js';
import { type ScriptedModel, startScriptedModel } from '../src/testing/index.js';
import { launchChromium } from './chromium.js';

let browser: Browser;
let model: ScriptedModel;
let running: RunningProxy;
/** Real screenshots of the dashboard: a PNG of 1,600 × 1,000 and a JPEG of 1,280 × 720. */
const shots: { png: string; jpeg: string } = { png: '', jpeg: '' };

beforeAll(async () => {
  model = await startScriptedModel(() => ({ text: 'I see the dashboard.' }));
  running = await serveProxy({
    port: 0,
    upstreamAnthropic: model.url,
    upstreamOpenAI: model.url,
    upstreamGemini: model.url,
  });
  browser = await launchChromium();
  for (const [kind, viewport] of [
    ['png', { width: 1600, height: 1000 }],
    ['jpeg', { width: 1280, height: 720 }],
  ] as const) {
    const page = await browser.newPage({ viewport });
    await page.goto(`${running.url}/dashboard`);
    await page.waitForSelector('body[data-ready=true]');
    shots[kind] = (await page.screenshot({ type: kind, ...(kind === 'jpeg' ? { quality: 80 } : {}) })).toString(
      'base64',
    );
    await page.close();
  }
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
    '%s: counted and priced by the provider’s rule, and sent on as they came',
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
      // Only the image transform may change an image, at first sight; until then they go as sent.
      const sent = model.received.at(-1)?.body ?? '';
      expect(sent.includes(shots.png) && sent.includes(shots.jpeg)).toBe(true);
      const after = running.proxy.stats() as ProxyStats;
      const provider = DIALECTS[format].provider;
      const expected =
        imageTokens({ width: 1600, height: 1000 }, provider, 'high') +
        imageTokens({ width: 1280, height: 720 }, provider, format === 'openai' ? 'low' : undefined);
      expect(after.images - before.images).toBe(2);
      expect(after.imageTokens - before.imageTokens).toBe(expected);
    },
  );

  it('prices a 1,600-px screenshot as the providers do', () => {
    expect(imageTokens({ width: 1600, height: 1000 }, 'anthropic')).toBe(2049);
    expect(imageTokens({ width: 1600, height: 1000 }, 'openai')).toBe(1105);
    expect(imageTokens({ width: 1600, height: 1000 }, 'google')).toBe(1548);
  });
});
