import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteFirstSight } from '@headroom/ccr/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveProxy } from '../src/node.js';
import { createProxy } from '../src/proxy.js';
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

describe('figures across restarts', () => {
  const post = (url: string) =>
    fetch(`${url}/v1/chat/completions`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('continues /stats from the saved file', async () => {
    const statsPath = join(mkdtempSync(join(tmpdir(), 'headroom-stats-')), 'proxy-stats.json');
    const first = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, statsPath });
    await post(first.url);
    const before = first.proxy.stats();
    await first.close();
    expect(existsSync(statsPath)).toBe(true);

    const second = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, statsPath });
    expect(second.proxy.stats()).toMatchObject({
      requests: 1,
      sessions: 1,
      tokensBefore: before.tokensBefore,
      tokensAfter: before.tokensAfter,
    });
    await post(second.url);
    const after = second.proxy.stats();
    expect(after.requests).toBe(2);
    expect(after.tokensBefore).toBe(2 * before.tokensBefore);
    expect(after.recent).toHaveLength(2);
    await second.close();
  });

  it('keeps an unreadable file aside, warns once and starts from zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-stats-'));
    const statsPath = join(dir, 'proxy-stats.json');
    writeFileSync(statsPath, '{"requests": 3, "tokensBef');
    const warnings: string[] = [];
    const running = await serveProxy({
      port: 0,
      upstreamOpenAI: upstream.url,
      statsPath,
      onWarning: (m) => warnings.push(m),
    });
    expect(running.proxy.stats().requests).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be read .* kept as .*unreadable-\d+, starting from zero/);
    expect(readdirSync(dir).filter((f) => f.includes('unreadable'))).toHaveLength(1);
    await running.close();
  });
});
