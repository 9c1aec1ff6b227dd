import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCounters } from '../src/counters.js';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { launchChromium } from './chromium.js';
import { json, startUpstream } from './fake-upstream.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let running: RunningProxy;
let browser: Browser;

const log = Array.from(
  { length: 800 },
  (_, i) =>
    `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO cache shard ${i % 16} warmed ${i * 11} entries`,
).join('\n');

beforeAll(async () => {
  upstream = await startUpstream((_req, res) =>
    json(res, 200, {
      id: 'm',
      type: 'message',
      content: [{ type: 'text', text: 'ok' }],
      usage: { input_tokens: 1000, cache_read_input_tokens: 400, cache_creation_input_tokens: 100 },
    }),
  );
  running = await serveProxy({ port: 0, upstreamAnthropic: upstream.url });
  for (const content of [log, 'short question', log.replace('shard 3', 'shard 33')]) {
    await fetch(`${running.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'Which shard is coldest?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'logs', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content }] },
        ],
      }),
    });
  }
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await upstream?.close();
});

describe('dashboard in headless Chromium', () => {
  it('renders, and shows the same figures as /stats', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(`${running.url}/dashboard`);
    await page.waitForSelector('body[data-ready=true]');
    const stats = (await (await fetch(`${running.url}/stats`)).json()) as {
      requests: number;
      sessions: number;
      retrieveRounds: number;
      tokensBefore: number;
      tokensAfter: number;
      inputTokens: number;
      cacheReadTokens: number;
      byTransform: Record<string, { segments: number }>;
      estimatedSavedUsd: number;
      recent: unknown[];
    };
    const text = async (id: string) => (await page.textContent(`[data-testid=${id}]`))?.trim();
    expect(await text('requests')).toBe(String(stats.requests));
    expect(await text('sessions')).toBe(String(stats.sessions));
    expect(stats.sessions).toBeGreaterThanOrEqual(1);
    expect(await text('retrieve-rounds')).toBe(String(stats.retrieveRounds));
    expect(await text('saved')).toBe((stats.tokensBefore - stats.tokensAfter).toLocaleString('en-US'));
    expect(await text('savings')).toBe(`${((1 - stats.tokensAfter / stats.tokensBefore) * 100).toFixed(1)}%`);
    expect(await text('saved-usd')).toBe(`$${stats.estimatedSavedUsd.toFixed(4)}`);
    expect(stats.estimatedSavedUsd).toBeCloseTo(((stats.tokensBefore - stats.tokensAfter) * 3) / 1_000_000, 4);
    expect(await text('cache-hit')).toBe(`${((stats.cacheReadTokens / stats.inputTokens) * 100).toFixed(1)}%`);
    expect(stats.requests).toBe(3);
    expect(await page.locator('[data-testid=transforms] tbody tr').count()).toBe(Object.keys(stats.byTransform).length);
    expect(await page.locator('[data-testid=recent] tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid=chart] rect').count()).toBe(2 * stats.recent.length);
    // One proxy on its own: no replicas to show.
    expect(await page.locator('[data-testid=replicas-section]').isVisible()).toBe(false);
    const shot = await page.screenshot({ fullPage: true });
    if (process.env.HEADROOM_SCREENSHOT) (await import('node:fs')).writeFileSync(process.env.HEADROOM_SCREENSHOT, shot);
    // A rendered page with cards, tables and a chart, not a blank canvas.
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(shot.length).toBeGreaterThan(20_000);
    await page.close();
  });

  it('shows what output shaping saved, with its basis and interval', async () => {
    // Shorter replies to shaped requests (40 output tokens against 100), half the sessions held out.
    const model = await startUpstream((req, res) =>
      json(res, 200, {
        id: 'm',
        type: 'message',
        content: [{ type: 'text', text: 'ok' }],
        usage: { input_tokens: 50, output_tokens: req.body.includes('headroom_output_shaping') ? 40 : 100 },
      }),
    );
    const shaped = await serveProxy({
      port: 0,
      upstreamAnthropic: model.url,
      outputShaper: { level: 2, holdout: 0.5 },
    });
    try {
      for (let n = 0; n < 30; n++)
        await fetch(`${shaped.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'claude-sonnet-4-5',
            max_tokens: 100,
            messages: [{ role: 'user', content: `Question ${n}` }],
          }),
        });
      const stats = (await (await fetch(`${shaped.url}/stats`)).json()) as {
        outputShaping: { basis: string; savedTokens: number; savedShare: number; low: number; high: number };
      };
      expect(stats.outputShaping.basis).toBe('measured');
      const page = await browser.newPage();
      await page.goto(`${shaped.url}/dashboard`);
      await page.waitForSelector('body[data-ready=true]');
      expect((await page.textContent('[data-testid=output-basis]'))?.trim()).toBe('output tokens saved (measured)');
      expect((await page.textContent('[data-testid=output-saved]'))?.trim()).toBe(
        `${stats.outputShaping.savedTokens.toLocaleString('en-US')} (60.0%)`,
      );
      expect(await page.textContent('[data-testid=output-interval]')).toMatch(
        /^95% interval [\d,]+ to [\d,]+, \d+ shaped turns against \d+$/,
      );
      await page.close();
    } finally {
      await shaped.close();
      await model.close();
    }
  });

  it('shows each replica’s share when the figures are a fleet’s', async () => {
    // Counters shared by two proxies, as on Redis (`createRedisCounters`): this one is replica a.
    const other = [{ day: '2026-12-06', agent: 'codex', model: 'gpt-5', name: 'requests', value: 4 }];
    class FleetCounters extends MemoryCounters {
      override async read() {
        return [...(await super.read()), ...other];
      }
      async readReplicas() {
        return new Map([
          ['proxy-a', await super.read()],
          ['proxy-b', other],
        ]);
      }
    }
    const fleet = await serveProxy({ port: 0, upstreamAnthropic: upstream.url, counters: new FleetCounters() });
    const page = await browser.newPage();
    try {
      await fetch(`${fleet.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: 'claude-sonnet-4-5',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      // Figures reach the shared counters about once a second.
      const share = async () =>
        ((await (await fetch(`${fleet.url}/stats`)).json()) as { replicas: Record<string, { requests: number }> })
          .replicas['proxy-a']?.requests;
      await expect.poll(share, { timeout: 5000 }).toBe(1);
      await page.goto(`${fleet.url}/dashboard`);
      await page.waitForSelector('body[data-ready=true]');
      expect(await page.locator('[data-testid=replicas-section]').isVisible()).toBe(true);
      const cells = async (n: number) =>
        (await page.locator(`[data-testid=replicas] tbody tr:nth-child(${n}) td`).allTextContents()).slice(0, 2);
      expect([await cells(1), await cells(2)]).toEqual([
        ['proxy-a', '1'],
        ['proxy-b', '4'],
      ]);
    } finally {
      await page.close();
      await fleet.close();
    }
  });

  it('is refused to pages from other origins', async () => {
    const response = await fetch(`${running.url}/dashboard`, { headers: { origin: 'http://evil.example' } });
    expect(response.status).toBe(403);
  });
});
