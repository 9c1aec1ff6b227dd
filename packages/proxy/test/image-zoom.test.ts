import Anthropic from '@anthropic-ai/sdk';
import { createMemoryStore } from '@headroom/ccr';
import { DIALECTS, fromBase64, imageSize, imageTokens, type WireFormat } from '@headroom/core';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import type { ProxyStats } from '../src/stats.js';
import { type ModelRequest, type ScriptedModel, startScriptedModel } from '../src/testing/index.js';
import { dashboardShot, launchChromium } from './chromium.js';

/** Small enough that a 2× screenshot is over it at every provider. */
const BUDGET = 600;
const REGION = { x: 1000, y: 500, w: 600, h: 300 };
const KEY = /headroom:([0-9a-f]{24})/;

let model: ScriptedModel;
let running: RunningProxy;
/** A real 2× screenshot of the dashboard (3,136 × 1,960 PNG), and the same pixels encoded again (other bytes). */
let retina = '';
let again = '';

/** The model zooms into the first keyed image it is shown, then answers once it has the region. */
function zoomer(request: ModelRequest) {
  if (request.body.includes('headroom retrieved')) return { text: 'The region reads clearly.' };
  const key = KEY.exec(request.body)?.[1];
  return key ? { calls: [{ name: 'headroom_retrieve', args: { key, region: REGION } }] } : { text: 'No key.' };
}

beforeAll(async () => {
  model = await startScriptedModel(zoomer);
  running = await serveProxy({
    port: 0,
    upstreamAnthropic: model.url,
    upstreamOpenAI: model.url,
    upstreamGemini: model.url,
    store: createMemoryStore(),
    imageBudget: BUDGET,
  });
  const browser = await launchChromium();
  try {
    retina = await dashboardShot(browser, running.url, { width: 1568, height: 980, scale: 2 });
  } finally {
    await browser.close();
  }
  again = (await sharp(Buffer.from(retina, 'base64')).png({ compressionLevel: 1 }).toBuffer()).toString('base64');
}, 300_000);

afterAll(async () => {
  await running?.close();
  await model?.close();
});

const png = (data: string) => ({ type: 'image', source: { type: 'base64', media_type: 'image/png', data } });
const dataUrl = (data: string) => `data:image/png;base64,${data}`;

/** The screenshot, a tool call that takes it again, and the second screenshot (its own bytes, the same pixels). */
function request(format: WireFormat): { path: string; body: Record<string, unknown> } {
  const ask = 'What does the screen show?';
  switch (format) {
    case 'anthropic':
      return {
        path: '/v1/messages',
        body: {
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          tools: [{ name: 'screenshot', description: 'Screenshot.', input_schema: { type: 'object', properties: {} } }],
          messages: [
            { role: 'user', content: [{ type: 'text', text: ask }, png(retina)] },
            { role: 'assistant', content: [{ type: 'tool_use', id: 's1', name: 'screenshot', input: {} }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 's1', content: [png(again)] }] },
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
                { type: 'text', text: ask },
                { type: 'image_url', image_url: { url: dataUrl(retina) } },
              ],
            },
            { role: 'assistant', content: 'Looking again.' },
            { role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl(again) } }] },
          ],
        },
      };
    case 'responses':
      return {
        path: '/v1/responses',
        body: {
          model: 'gpt-4o',
          tools: [{ type: 'function', name: 'screenshot', parameters: { type: 'object', properties: {} } }],
          input: [
            {
              role: 'user',
              content: [
                { type: 'input_text', text: ask },
                { type: 'input_image', image_url: dataUrl(retina) },
              ],
            },
            { type: 'function_call', call_id: 's1', name: 'screenshot', arguments: '{}' },
            {
              type: 'function_call_output',
              call_id: 's1',
              output: [{ type: 'input_image', image_url: dataUrl(again) }],
            },
          ],
        },
      };
    case 'gemini':
      return {
        path: '/v1beta/models/gemini-2.5-pro:generateContent',
        body: {
          contents: [
            { role: 'user', parts: [{ text: ask }, { inlineData: { mimeType: 'image/png', data: retina } }] },
            { role: 'model', parts: [{ text: 'Looking again.' }] },
            { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: again } }] },
          ],
        },
      };
  }
}

/** The image a retrieve round answered with, as the follow-up request carries it; undefined where the format has none. */
function answeredImage(format: WireFormat, sent: Record<string, unknown>): string | undefined {
  const last = <T>(list: unknown) => (list as T[]).at(-1) as T;
  switch (format) {
    case 'anthropic': {
      const result = last<{ content: { content: unknown }[] }>(sent.messages).content[0]?.content;
      return (result as { source?: { data: string } }[])[1]?.source?.data;
    }
    case 'responses': {
      const output = last<{ output: { image_url?: string }[] }>(sent.input).output;
      return output[1]?.image_url?.replace(/^data:image\/png;base64,/, '');
    }
    case 'gemini': {
      const part = last<{ parts: { functionResponse: { parts?: { inlineData: { data: string } }[] } }[] }>(
        sent.contents,
      );
      return part.parts[0]?.functionResponse.parts?.[0]?.inlineData.data;
    }
    case 'openai':
      return undefined;
  }
}

async function post(path: string, body: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${running.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe('images over the budget: sent smaller, the original behind a key, zoomed by headroom_retrieve', () => {
  it.each(['anthropic', 'openai', 'responses', 'gemini'] as const)(
    '%s: downscaled with a note, the duplicate named, a region retrieved at full resolution',
    async (format) => {
      const before = running.proxy.stats() as ProxyStats;
      const { path, body } = request(format);
      const from = model.received.length;
      const reply = await post(path, body);
      expect(reply).toContain('The region reads clearly.');
      const [first, followUp] = model.received.slice(from).map((r) => JSON.parse(r.body) as Record<string, unknown>);
      if (!first || !followUp) throw new Error('the model was not asked twice');
      const provider = DIALECTS[format].provider;

      // One image left: the first, under the budget; the second (the same pixels) is a note naming it.
      const images = DIALECTS[format].images(first);
      expect(images).toHaveLength(1);
      const size = imageSize(fromBase64(images[0]?.data ?? '') as Uint8Array) as { width: number; height: number };
      expect(imageTokens(size, provider)).toBeLessThanOrEqual(BUDGET);
      expect(imageTokens({ width: 3136, height: 1960 }, provider)).toBeGreaterThan(BUDGET);
      const text = JSON.stringify(first);
      const key = KEY.exec(text)?.[1] as string;
      expect(text).toContain(`of its original 3136×1960`);
      expect(text).toMatch(new RegExp(`the same as the one in message 1 of this conversation · headroom:${key}`));
      // The tool that answers the key is offered (Chat had no tools of its own).
      expect(text).toContain('headroom_retrieve');
      // Each image's fate and tokens, in the request's figures.
      const figures = (running.proxy.stats() as ProxyStats).recent.at(-1)?.images ?? [];
      expect(figures.map((image) => image.action)).toEqual(['downscaled', 'duplicate']);
      expect(figures[0]).toMatchObject({ key, tokensBefore: imageTokens({ width: 3136, height: 1960 }, provider) });
      expect(figures[0]?.tokensAfter).toBe(imageTokens(size, provider));
      expect(figures[1]?.tokensAfter).toBe(0);

      // The region, cut from the original at full resolution: the very pixels of the original there.
      const zoom = answeredImage(format, followUp);
      if (format === 'openai') {
        const answer = (followUp.messages as { role: string; content: string }[]).at(-1);
        expect(answer?.role).toBe('tool');
        expect(answer?.content).toContain('region x=1000 y=500 w=600 h=300 of the original image, 3136×1960 PNG');
        expect(answer?.content).toContain('cannot be shown');
      } else {
        expect(zoom).toBeDefined();
        const cut = await sharp(Buffer.from(zoom as string, 'base64'))
          .raw()
          .toBuffer({ resolveWithObject: true });
        expect([cut.info.width, cut.info.height]).toEqual([REGION.w, REGION.h]);
        const truth = await sharp(Buffer.from(retina, 'base64'))
          .extract({ left: REGION.x, top: REGION.y, width: REGION.w, height: REGION.h })
          .raw()
          .toBuffer();
        expect(cut.data.equals(truth)).toBe(true);
      }

      // The next turn sends the same bytes: decided at first sight, remembered.
      await post(path, body);
      expect(model.received.at(-2)?.body).toBe(model.received[from]?.body);

      const after = running.proxy.stats() as ProxyStats;
      expect(after.imagesDownscaled - before.imagesDownscaled).toBe(2);
      expect(after.imageDuplicates - before.imageDuplicates).toBe(2);
      expect(after.imageTokensSaved - before.imageTokensSaved).toBeGreaterThan(0);
    },
    60_000,
  );

  it.each(['anthropic', 'responses'] as const)(
    '%s streamed, read by the official SDK: the zoom is answered inside the stream',
    async (format) => {
      const { body } = request(format);
      const from = model.received.length;
      let text: string;
      if (format === 'anthropic') {
        const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: running.url });
        const message = await client.messages.stream(body as never).finalMessage();
        text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
        expect(message.content.some((b) => b.type === 'tool_use')).toBe(false);
      } else {
        const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${running.url}/v1` });
        const response = await client.responses.stream(body as never).finalResponse();
        text = response.output_text;
      }
      expect(text).toBe('The region reads clearly.');
      const followUp = JSON.parse(model.received.at(-1)?.body ?? '{}') as Record<string, unknown>;
      expect(model.received.length - from).toBe(2);
      const zoom = answeredImage(format, followUp) as string;
      const cut = await sharp(Buffer.from(zoom, 'base64')).metadata();
      expect([cut.width, cut.height]).toEqual([REGION.w, REGION.h]);
    },
    60_000,
  );

  it('an image whose header reads but whose pixels do not goes as it came, counted by reason in /stats and /metrics', async () => {
    // The screenshot cut short: its header names 3,136 × 1,960, its pixel data breaks off.
    const broken = Buffer.from(retina, 'base64').subarray(0, 4_096).toString('base64');
    const before = (running.proxy.stats() as ProxyStats).imagesPassed['decode-failed'] ?? 0;
    const { path, body } = request('anthropic');
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'And this one?' }, png(broken)] }];
    model.play(() => ({ text: 'ok' }));
    try {
      await post(path, { ...body, messages });
    } finally {
      model.play(zoomer);
    }
    const sent = JSON.parse(model.received.at(-1)?.body ?? '{}') as {
      messages: { content: { source?: { data: string } }[] }[];
    };
    expect(sent.messages[0]?.content[1]?.source?.data).toBe(broken);
    expect((running.proxy.stats() as ProxyStats).imagesPassed['decode-failed']).toBe(before + 1);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/headroom_images_passed_total\{reason="decode-failed"\} [1-9]/);
  });

  it('the dashboard shows the images seen, the tokens they saved, and how many were shrunk or named', async () => {
    const stats = running.proxy.stats() as ProxyStats;
    expect(stats.images).toBeGreaterThan(0);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${running.url}/dashboard`);
      await page.waitForSelector('body[data-ready=true]');
      const fmt = (n: number) => n.toLocaleString('en-US');
      expect((await page.textContent('[data-testid=images]'))?.trim()).toBe(
        `${fmt(stats.images)} · ${fmt(stats.imageTokensSaved)}`,
      );
      expect((await page.textContent('[data-testid=images-detail]'))?.trim()).toBe(
        `${fmt(stats.imagesDownscaled)} downscaled, ${fmt(stats.imageDuplicates)} duplicates`,
      );
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('answers a region outside the image, and a text key asked for a region, in words the model can act on', async () => {
    const { path, body } = request('anthropic');
    await post(path, body);
    const key = KEY.exec(model.received.at(-2)?.body ?? '')?.[1] as string;
    model.play((r) =>
      r.body.includes('headroom retrieved') || r.body.includes('is outside the image')
        ? { text: 'done' }
        : { calls: [{ name: 'headroom_retrieve', args: { key, region: { x: 5000, y: 0, w: 10, h: 10 } } }] },
    );
    try {
      await post(path, {
        ...body,
        messages: [
          ...(body.messages as unknown[]),
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'zoom' },
        ],
      });
      const answer = JSON.stringify(JSON.parse(model.received.at(-1)?.body ?? '{}').messages.at(-1));
      expect(answer).toContain('is outside the image of 3136×1960 PNG');
      expect(answer).toContain('"is_error":true');
    } finally {
      model.play(zoomer);
    }
  });
});
