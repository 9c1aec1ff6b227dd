import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteFirstSight } from '@headroom/ccr/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
