import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { json, startUpstream } from './fake-upstream.js';

const log = Array.from(
  { length: 600 },
  (_, i) =>
    `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO worker ${i % 7} processed batch ${i} (${i * 3} rows)`,
).join('\n');

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let running: RunningProxy;

beforeAll(async () => {
  upstream = await startUpstream((_req, res) =>
    json(res, 200, {
      id: 'm',
      content: [{ type: 'text', text: 'ok' }],
      usage: { input_tokens: 5, cache_read_input_tokens: 3, cache_creation_input_tokens: 2 },
    }),
  );
  running = await serveProxy({ port: 0, upstreamAnthropic: upstream.url, upstreamOpenAI: upstream.url });
});

afterAll(async () => {
  await running.close();
  await upstream.close();
});

function turn(history: unknown[]): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 512,
    system: 'You operate the batch cluster.',
    messages: history,
  });
}

describe('proxy over a real socket', () => {
  it('sends a session’s history upstream byte-identical on the next turn, so the prompt cache holds', async () => {
    const first = [
      { role: 'user', content: 'How many rows did worker 3 process?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read_log', input: { file: 'batch.log' } }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't1', content: log, cache_control: { type: 'ephemeral' } }],
      },
    ];
    const second = [
      ...first,
      { role: 'assistant', content: [{ type: 'text', text: 'Worker 3 processed many batches.' }] },
      { role: 'user', content: 'And worker 5?' },
    ];
    const headers = {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant-test',
    };
    for (const history of [first, second]) {
      const response = await fetch(`${running.url}/v1/messages`, { method: 'POST', headers, body: turn(history) });
      expect(response.status).toBe(200);
    }
    const [one, two] = upstream.received.slice(-2).map((r) => r.body) as [string, string];
    expect(one.length).toBeLessThan(turn(first).length / 2);
    // Turn one's body without its closing `]}` is exactly where turn two's body begins.
    expect(two.startsWith(one.slice(0, -2))).toBe(true);
    expect(upstream.received.at(-1)?.headers['x-api-key']).toBe('sk-ant-test');
    const stats = (await (await fetch(`${running.url}/stats`)).json()) as {
      requests: number;
      sessions: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
    };
    // Two turns of one conversation: one session.
    expect(stats).toMatchObject({ requests: 2, sessions: 1, cacheReadTokens: 6, cacheWriteTokens: 4 });
  });
});
