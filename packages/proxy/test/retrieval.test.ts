import { createMemoryStore } from '@headroom/ccr';
import { DIALECTS, parseMarkers, type WireFormat } from '@headroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy } from '../src/proxy.js';
import { answerRetrievals } from '../src/retrieval.js';
import { json, startUpstream } from './fake-upstream.js';

/** A deploy log whose telling line sits among hundreds of ordinary ones. */
const deployLog = [
  ...Array.from(
    { length: 500 },
    (_, i) =>
      `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO rollout pod web-${i % 40} ready (${i})`,
  ),
  '2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3',
  ...Array.from(
    { length: 500 },
    (_, i) =>
      `2024-05-01T11:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO rollout pod api-${i % 40} ready (${i})`,
  ),
].join('\n');

let upstream: Awaited<ReturnType<typeof startUpstream>>;

/**
 * A fake model that uses the retrieve tool the way a model would: first it asks for what a marker
 * left out, then it answers from what came back. It never sees a key it was not shown.
 */
beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const body = JSON.parse(req.body) as Record<string, unknown>;
    const text = req.body;
    const key = parseMarkers(text.replace(/\\"/g, '"'))[0]?.key;
    const retrieved = /\[headroom retrieved [0-9a-f]{24}: [^\]]*\]\\n([^"]*?quota[^"\\]*)/.exec(text)?.[1];
    const anthropic = req.path === '/v1/messages';
    if (retrieved) {
      const answer = `From the log: ${retrieved}`;
      return anthropic
        ? json(res, 200, {
            id: 'm2',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'text', text: answer }],
            usage: { input_tokens: 50 },
          })
        : json(res, 200, {
            id: 'c2',
            choices: [{ message: { role: 'assistant', content: answer } }],
            usage: { prompt_tokens: 50 },
          });
    }
    expect(key).toBeDefined();
    const args = { key, query: 'rollout paused quota' };
    return anthropic
      ? json(res, 200, {
          id: 'm1',
          type: 'message',
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'tu1', name: 'headroom_retrieve', input: args }],
          usage: { input_tokens: 40 },
        })
      : json(res, 200, {
          id: 'c1',
          choices: [
            {
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_r',
                    type: 'function',
                    function: { name: 'headroom_retrieve', arguments: JSON.stringify(args) },
                  },
                ],
              },
            },
          ],
          usage: { prompt_tokens: 40, body: Object.keys(body).length },
        });
  });
});

afterAll(() => upstream.close());

describe('retrieval answered by the proxy', () => {
  it('OpenAI: offers the tool, answers the call itself, and returns only the final reply', async () => {
    const proxy = createProxy({ upstreamOpenAI: upstream.url, store: createMemoryStore() });
    const body = JSON.stringify({
      model: 'gpt-4o',
      tools: [
        {
          type: 'function',
          function: { name: 'kubectl', description: 'Run kubectl.', parameters: { type: 'object', properties: {} } },
        },
      ],
      messages: [
        { role: 'user', content: 'Why did the rollout stop?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'k1', type: 'function', function: { name: 'kubectl', arguments: '{"args":"logs deploy/web"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'k1', content: deployLog },
      ],
    });
    const before = upstream.received.length;
    const response = await proxy.fetch(
      new Request('http://127.0.0.1/v1/chat/completions', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      }),
    );
    const reply = (await response.json()) as { choices: { message: { content: string; tool_calls?: unknown } }[] };
    expect(reply.choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'From the log: L501: 2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3',
    });
    const [first, second] = upstream.received.slice(before).map((r) => JSON.parse(r.body)) as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect((first.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual([
      'kubectl',
      'headroom_retrieve',
    ]);
    expect((second.messages as { role: string }[]).map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
    ]);
    expect(upstream.received.length - before).toBe(2);
  });

  it('Anthropic: the same, with tool_use and tool_result blocks', async () => {
    const proxy = createProxy({ upstreamAnthropic: upstream.url, store: createMemoryStore() });
    const body = JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 512,
      messages: [
        { role: 'user', content: 'Why did the rollout stop?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'k1', name: 'kubectl', input: { args: 'logs deploy/web' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'k1', content: deployLog }] },
      ],
    });
    const before = upstream.received.length;
    const response = await proxy.fetch(
      new Request('http://127.0.0.1/v1/messages', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      }),
    );
    const reply = (await response.json()) as { content: { type: string; text: string }[] };
    expect(reply.content).toEqual([
      {
        type: 'text',
        text: 'From the log: L501: 2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3',
      },
    ]);
    const first = JSON.parse(upstream.received[before]?.body ?? '{}') as { tools: { name: string }[] };
    expect(first.tools.map((t) => t.name)).toEqual(['headroom_retrieve']);
  });

  it('adds the tool in the client’s own bytes, after the client’s tools', () => {
    const injectRetrieveTool = (text: string, format: WireFormat) =>
      DIALECTS[format].addRetrieveTool(text, JSON.parse(text));
    expect(injectRetrieveTool('{"model":"m", "tools": [ {"type":"function"} ], "messages":[]}', 'openai')).toMatch(
      /^\{"model":"m", "tools": \[ \{"type":"function"\} ,\{"type":"function","function":\{"name":"headroom_retrieve",/,
    );
    expect(injectRetrieveTool('{ "model":"m","messages":[]}', 'anthropic')).toMatch(
      /^\{"tools":\[\{"name":"headroom_retrieve",.*\}\], "model":"m","messages":\[\]\}$/,
    );
    expect(injectRetrieveTool('{}', 'responses')).toMatch(
      /^\{"tools":\[\{"type":"function","name":"headroom_retrieve",.*\}\]\}$/,
    );
  });

  it('shows the client its own context’s usage after a round: the first reply’s input, the last reply’s output', async () => {
    const reply = {
      content: [{ type: 'tool_use', id: 'tu1', name: 'headroom_retrieve', input: { key: 'f'.repeat(24) } }],
      usage: { input_tokens: 1200, cache_read_input_tokens: 800, output_tokens: 20 },
    };
    const final = {
      content: [{ type: 'text', text: 'done' }],
      usage: { input_tokens: 9000, cache_read_input_tokens: 2000, output_tokens: 7 },
    };
    const response = await answerRetrievals('anthropic', { messages: [] }, reply, {
      store: createMemoryStore(),
      send: async () => new Response(JSON.stringify(final), { headers: { 'content-type': 'application/json' } }),
    });
    expect(await response.json()).toEqual({
      ...final,
      usage: { input_tokens: 1200, cache_read_input_tokens: 800, output_tokens: 7 },
    });
  });

  it('answers 502 in the provider’s format when a retrieve round cannot reach the upstream', async () => {
    const reply = {
      content: [{ type: 'tool_use', id: 'tu1', name: 'headroom_retrieve', input: { key: 'f'.repeat(24) } }],
    };
    const response = await answerRetrievals('anthropic', { messages: [] }, reply, {
      store: createMemoryStore(),
      send: () => Promise.reject(new Error('connect ECONNREFUSED')),
    });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.message).toContain('ECONNREFUSED');
  });
});
