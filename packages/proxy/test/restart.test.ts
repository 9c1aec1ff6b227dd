import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteCounters, createSqliteFirstSight } from '@headroom/ccr/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CounterStore, MemoryCounters } from '../src/counters.js';
import { importSavedStats, serveProxy } from '../src/node.js';
import { createProxy } from '../src/proxy.js';
import { type Breakdown, type ProxyStats, statsOfCounters } from '../src/stats.js';
import { json, startUpstream } from './fake-upstream.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream((_req, res) => json(res, 200, { id: 'x', choices: [] }));
});
afterAll(() => upstream.close());

const log = Array.from(
  { length: 700 },
  (_, i) =>
    `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO shard ${i % 12} compacted ${i * 7} keys`,
).join('\n');
const body = JSON.stringify({
  model: 'gpt-4o',
  messages: [
    { role: 'user', content: 'Which shard compacted the most keys?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'a', type: 'function', function: { name: 'logs', arguments: '{}' } }],
    },
    { role: 'tool', tool_call_id: 'a', content: log },
  ],
});

describe('a proxy that restarts', () => {
  it('keeps first sights in SQLite and resends a session’s history in the same bytes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'headroom-restart-')), 'ccr.db');
    const send = async () => {
      const memory = createSqliteFirstSight({ path });
      const proxy = createProxy({ upstreamOpenAI: upstream.url, firstSight: memory });
      await proxy.fetch(
        new Request('http://127.0.0.1/v1/chat/completions', {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        }),
      );
      const size = memory.size;
      memory.close();
      return { sent: upstream.received.at(-1)?.body ?? '', size };
    };
    const before = await send();
    const after = await send();
    expect(before.size).toBeGreaterThan(0);
    expect(before.sent.length).toBeLessThan(body.length / 2);
    expect(after.sent).toBe(before.sent);
    expect(after.size).toBe(before.size);
  });
});

describe('figures across restarts and processes', () => {
  const post = (url: string, userAgent = 'claude-cli/2.1.0 (external, cli)') =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    });
  const stats = async (url: string) => (await (await fetch(`${url}/stats`)).json()) as ProxyStats & Breakdown;
  const database = () => join(mkdtempSync(join(tmpdir(), 'headroom-counters-')), 'ccr.db');

  it('continues /stats from the counters a closed proxy wrote, per day, agent and model', async () => {
    const path = database();
    const first = createSqliteCounters({ path });
    const one = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, counters: first });
    await post(one.url);
    const before = one.proxy.stats();
    await one.close();
    first.close();

    const second = createSqliteCounters({ path });
    const two = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, counters: second });
    expect(await stats(two.url)).toMatchObject({
      scope: 'shared',
      requests: 1,
      sessions: 1,
      tokensBefore: before.tokensBefore,
      tokensAfter: before.tokensAfter,
    });
    await post(two.url, 'codex_exec/0.171.0 (Debian 12)');
    const after = await stats(two.url);
    expect(after.requests).toBe(2);
    expect(after.tokensBefore).toBe(2 * before.tokensBefore);
    expect(Object.keys(after.byAgent).sort()).toEqual(['claude-cli', 'codex_exec']);
    expect(after.byModel['gpt-4o']?.requests).toBe(2);
    expect(Object.values(after.byDay)[0]?.requests).toBe(2);
    // This process's own figures stay its own.
    expect(two.proxy.stats().requests).toBe(1);
    await two.close();
    second.close();
  });

  it('adds up two proxies on one database without losing a request', async () => {
    const path = database();
    const stores = [createSqliteCounters({ path }), createSqliteCounters({ path })];
    const proxies = await Promise.all(
      stores.map((counters) => serveProxy({ port: 0, upstreamOpenAI: upstream.url, counters })),
    );
    const each = 40;
    await Promise.all(
      proxies.flatMap((p) => Array.from({ length: each }, () => post(p.url).then((r) => r.arrayBuffer()))),
    );
    await Promise.all(proxies.map((p) => p.close()));
    const totals = await stores[0]?.read();
    const requests = (totals ?? []).filter((r) => r.name === 'requests').reduce((n, r) => n + r.value, 0);
    expect(requests).toBe(2 * each);
    for (const s of stores) s.close();
  });

  it('carries an earlier file of figures over once, and keeps an unreadable one aside', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-counters-'));
    const file = join(dir, 'proxy-stats.json');
    writeFileSync(file, JSON.stringify({ requests: 3, tokensBefore: 900, tokensAfter: 300, byTransform: {} }));
    const counters = new MemoryCounters();
    const warnings: string[] = [];
    await importSavedStats(file, counters, (m) => warnings.push(m));
    await importSavedStats(file, counters, (m) => warnings.push(m)); // gone: nothing twice
    expect(statsOfCounters(await counters.read())).toMatchObject({ requests: 3, tokensBefore: 900, tokensAfter: 300 });
    expect(existsSync(`${file}.imported`)).toBe(true);

    writeFileSync(file, '{"requests": 3, "tokensBef');
    await importSavedStats(file, counters, (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be carried over .* kept as .*imported/);
    expect(readdirSync(dir)).toContain('proxy-stats.json.imported');
  });

  it('keeps counting when the store fails, says so once, and writes what it kept once the store is back', async () => {
    let failing = true;
    const memory = new MemoryCounters();
    const flaky: CounterStore = {
      add: (rows) => (failing ? Promise.reject(new Error('disk full')) : memory.add(rows)),
      read: () => memory.read(),
    };
    const warnings: string[] = [];
    const proxy = createProxy({ upstreamOpenAI: upstream.url, counters: flaky, onWarning: (m) => warnings.push(m) });
    await proxy.fetch(
      new Request('http://127.0.0.1/v1/chat/completions', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      }),
    );
    await proxy.close();
    expect(warnings.filter((w) => w.includes('disk full'))).toHaveLength(1);
    failing = false;
    await proxy.close();
    expect((await memory.read()).find((r) => r.name === 'requests')?.value).toBe(1);
  });
});
