import type { ServerResponse } from 'node:http';
import { createMemoryStore } from '@headroom/ccr';
import { parseMarkers } from '@headroom/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { type Received, sse, startUpstream } from './fake-upstream.js';

/** A deploy log whose telling line sits among hundreds of ordinary ones. */
const deployLog = [
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO pod web-${i} ready`,
  ),
  '2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3',
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T11:00:${String(i % 60).padStart(2, '0')}Z INFO pod api-${i} ready`,
  ),
].join('\n');
const FACT = 'WARN rollout paused: quota exceeded in region eu-west-3';

type Script = (req: Received, res: ServerResponse, body: Record<string, unknown>) => Promise<void>;
let script: Script;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let running: RunningProxy;

beforeAll(async () => {
  upstream = await startUpstream((req, res) => script(req, res, JSON.parse(req.body) as Record<string, unknown>));
  running = await serveProxy({
    port: 0,
    upstreamAnthropic: upstream.url,
    upstreamOpenAI: upstream.url,
    store: createMemoryStore(),
  });
});
afterAll(async () => {
  await running.close();
  await upstream.close();
});
let before = 0;
afterEach(() => {
  before = upstream.received.length;
});
const sentUpstream = () => upstream.received.slice(before).map((r) => JSON.parse(r.body) as Record<string, unknown>);

/** The key the model was shown, read from the request the way a model reads its context. */
const shownKey = (req: Received) => parseMarkers(req.body.replace(/\\"/g, '"'))[0]?.key;
const retrievedFact = (req: Received) => req.body.includes('headroom retrieved') && req.body.includes(FACT);

const anthropicRequest = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 512,
  stream: true,
  tools: [{ name: 'kubectl', description: 'Run kubectl.', input_schema: { type: 'object', properties: {} } }],
  messages: [
    { role: 'user', content: 'Why did the rollout stop?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'k1', name: 'kubectl', input: { args: 'logs' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'k1', content: deployLog }] },
  ],
});
const openaiRequest = JSON.stringify({
  model: 'gpt-4o',
  stream: true,
  stream_options: { include_usage: true },
  messages: [
    { role: 'user', content: 'Why did the rollout stop?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'k1', type: 'function', function: { name: 'kubectl', arguments: '{"args":"logs"}' } }],
    },
    { role: 'tool', tool_call_id: 'k1', content: deployLog },
  ],
});

async function post(path: string, body: string): Promise<Response> {
  const anthropic = path === '/v1/messages';
  return fetch(`${running.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...(anthropic ? { 'anthropic-version': '2023-06-01' } : {}) },
  });
}

/** The `data:` payloads of an SSE text, parsed where they are JSON. */
const dataOf = (text: string) =>
  text
    .split('\n\n')
    .filter((e) => e.includes('data:'))
    .map((e) => {
      const data = e.slice(e.indexOf('data:') + 5).trim();
      return data === '[DONE]' ? data : (JSON.parse(data) as Record<string, unknown>);
    });

const anthropicTurn = (blocks: { event: string; data: unknown }[], stop: string) => [
  {
    event: 'message_start',
    data: {
      type: 'message_start',
      message: { id: 'msg', role: 'assistant', content: [], usage: { input_tokens: 40 } },
    },
  },
  ...blocks,
  {
    event: 'message_delta',
    data: { type: 'message_delta', delta: { stop_reason: stop }, usage: { output_tokens: 9 } },
  },
  { event: 'message_stop', data: { type: 'message_stop' } },
];
const textBlock = (index: number, text: string) => [
  {
    event: 'content_block_start',
    data: { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
  },
  { event: 'content_block_delta', data: { type: 'content_block_delta', index, delta: { type: 'text_delta', text } } },
  { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
];
const toolBlock = (index: number, id: string, name: string, input: unknown) => {
  const json = JSON.stringify(input);
  const cut = Math.floor(json.length / 2);
  return [
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index, content_block: { type: 'tool_use', id, name, input: {} } },
    },
    ...[json.slice(0, cut), json.slice(cut)].map((partial_json) => ({
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
    })),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index } },
  ];
};

describe('retrieval in streaming responses: Anthropic', () => {
  it('answers the retrieve call itself; the client sees one message that never mentions it', async () => {
    script = async (req, res) => {
      if (retrievedFact(req)) return sse(res, anthropicTurn(textBlock(0, `The log says: ${FACT}`), 'end_turn'), 5);
      const thinking = [
        {
          event: 'content_block_start',
          data: { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
        },
        {
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Need the log.' } },
        },
        {
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-1' } },
        },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      ];
      const args = { key: shownKey(req), query: 'rollout paused quota' };
      return sse(
        res,
        anthropicTurn(
          [
            ...thinking,
            ...textBlock(1, 'Let me look at what was left out.'),
            ...toolBlock(2, 'tu1', 'headroom_retrieve', args),
          ],
          'tool_use',
        ),
        5,
      );
    };
    const response = await post('/v1/messages', anthropicRequest);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).not.toContain('headroom_retrieve');
    const events = dataOf(text) as Record<string, unknown>[];
    expect(events.filter((e) => e.type === 'message_start')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'message_stop')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'content_block_start').map((e) => e.index)).toEqual([0, 1, 2]);
    const deltas = events.filter((e) => e.type === 'content_block_delta');
    expect(deltas.at(-1)).toEqual({
      type: 'content_block_delta',
      index: 2,
      delta: { type: 'text_delta', text: `The log says: ${FACT}` },
    });
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'end_turn' } });

    // The follow-up carries the model's turn as it streamed (thinking with its signature, text,
    // the call with its input put back together) and the proxy's answer.
    const [first, second] = sentUpstream();
    expect(((first?.tools ?? []) as { name: string }[]).map((t) => t.name)).toEqual(['kubectl', 'headroom_retrieve']);
    const messages = second?.messages as { role: string; content: Record<string, unknown>[] }[];
    expect(messages.at(-2)).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'Need the log.', signature: 'sig-1' },
        { type: 'text', text: 'Let me look at what was left out.' },
        {
          type: 'tool_use',
          id: 'tu1',
          name: 'headroom_retrieve',
          input: { key: shownKey(upstream.received[before] as Received), query: 'rollout paused quota' },
        },
      ],
    });
    expect(messages.at(-1)?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'tu1' });
    expect(String(messages.at(-1)?.content[0]?.content)).toContain(FACT);
    expect(second?.stream).toBe(true);
    expect(running.proxy.stats().retrieveRounds).toBeGreaterThanOrEqual(1);
  });

  it('relays a turn that calls only the client’s tools byte for byte', async () => {
    let sent = '';
    script = async (_req, res) => {
      const events = anthropicTurn(
        [...textBlock(0, 'Checking pods.'), ...toolBlock(1, 'tu9', 'kubectl', { args: 'get pods' })],
        'tool_use',
      );
      sent = events.map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`).join('');
      return sse(res, events, 5);
    };
    const text = await (await post('/v1/messages', anthropicRequest)).text();
    expect(text).toBe(sent);
    expect(sentUpstream()).toHaveLength(1);
  });

  it('sends text as it arrives, before the turn is over', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    script = async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const e of anthropicTurn(textBlock(0, 'early words'), 'end_turn').slice(0, 3))
        res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      await gate;
      for (const e of anthropicTurn(textBlock(0, 'early words'), 'end_turn').slice(3))
        res.write(`event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`);
      res.end();
    };
    const response = await post('/v1/messages', anthropicRequest);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while (!seen.includes('early words')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
    }
    expect(seen).toContain('early words');
    release();
    while (!(await reader.read()).done) {}
  });

  it('ends the stream with an error event of the upstream’s own type when the follow-up fails', async () => {
    script = async (req, res) => {
      if (req.body.includes('"tool_result","tool_use_id":"tu1"')) {
        res.writeHead(529, { 'content-type': 'application/json' });
        res.end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
        return;
      }
      return sse(
        res,
        anthropicTurn(toolBlock(0, 'tu1', 'headroom_retrieve', { key: shownKey(req), query: 'quota' }), 'tool_use'),
        5,
      );
    };
    const text = await (await post('/v1/messages', anthropicRequest)).text();
    const events = dataOf(text) as Record<string, unknown>[];
    // The upstream's type, not one of ours: a client retrying on overloaded_error still sees it.
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(JSON.stringify(events.at(-1))).toContain('529');
    expect(text).not.toContain('headroom_retrieve');
  });
});

describe('retrieval in streaming responses: OpenAI', () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  const turn = (parts: { data: unknown }[]) => [
    chunk({ role: 'assistant', content: '' }),
    ...parts,
    { data: { id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 40 } } },
    { data: '[DONE]' },
  ];

  it('answers the retrieve call itself; the client sees one stream with one [DONE]', async () => {
    script = async (req, res) => {
      if (retrievedFact(req))
        return sse(res, turn([chunk({ content: `The log says: ${FACT}` }), chunk({}, 'stop')]), 5);
      const args = JSON.stringify({ key: shownKey(req), query: 'rollout paused quota' });
      return sse(
        res,
        turn([
          chunk({ content: 'Looking.' }),
          chunk({
            tool_calls: [
              { index: 0, id: 'call_r', type: 'function', function: { name: 'headroom_retrieve', arguments: '' } },
            ],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, 10) } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(10) } }] }),
          chunk({}, 'tool_calls'),
        ]),
        5,
      );
    };
    const response = await post('/v1/chat/completions', openaiRequest);
    const text = await response.text();
    expect(text).not.toContain('headroom_retrieve');
    const events = dataOf(text);
    expect(events.filter((e) => e === '[DONE]')).toHaveLength(1);
    expect(events.at(-1)).toBe('[DONE]');
    const content = (events as { choices?: { delta?: { content?: string } }[] }[])
      .map((e) => e.choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe(`Looking.The log says: ${FACT}`);
    const finishes = (events as { choices?: { finish_reason?: string | null }[] }[])
      .map((e) => e.choices?.[0]?.finish_reason)
      .filter(Boolean);
    expect(finishes).toEqual(['stop']);

    const [, second] = sentUpstream();
    const messages = second?.messages as Record<string, unknown>[];
    expect(messages.at(-2)).toEqual({
      role: 'assistant',
      content: 'Looking.',
      tool_calls: [
        {
          id: 'call_r',
          type: 'function',
          function: { name: 'headroom_retrieve', arguments: expect.stringContaining('rollout paused quota') },
        },
      ],
    });
    expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_r' });
    expect(String(messages.at(-1)?.content)).toContain(FACT);
  });

  it('relays a turn that calls only the client’s tools byte for byte', async () => {
    let sent = '';
    script = async (_req, res) => {
      const events = turn([
        chunk({
          tool_calls: [
            { index: 0, id: 'call_k', type: 'function', function: { name: 'kubectl', arguments: '{"args":"get"}' } },
          ],
        }),
        chunk({}, 'tool_calls'),
      ]);
      sent = events.map((e) => `data: ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data)}\n\n`).join('');
      return sse(res, events, 5);
    };
    expect(await (await post('/v1/chat/completions', openaiRequest)).text()).toBe(sent);
    expect(sentUpstream()).toHaveLength(1);
  });
});

describe('retrieval in streaming responses: OpenAI Responses', () => {
  const responsesRequest = JSON.stringify({
    model: 'gpt-5',
    stream: true,
    store: false,
    include: ['reasoning.encrypted_content'],
    tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } }],
    input: [
      { role: 'user', content: 'Why did the rollout stop?' },
      { type: 'function_call', call_id: 'k1', name: 'shell', arguments: '{"cmd":"kubectl logs"}' },
      { type: 'function_call_output', call_id: 'k1', output: deployLog },
    ],
  });
  /** A streamed response: its events numbered from 0, as the API does. */
  const stream = (id: string, items: Record<string, unknown>[], between: (i: number) => Record<string, unknown>[]) => {
    const events: Record<string, unknown>[] = [
      { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
      { type: 'response.in_progress', response: { id, status: 'in_progress', output: [] } },
    ];
    items.forEach((item, i) => {
      events.push({ type: 'response.output_item.added', output_index: i, item: { ...item, arguments: '' } });
      events.push(...between(i));
      events.push({ type: 'response.output_item.done', output_index: i, item });
    });
    events.push({
      type: 'response.completed',
      response: { id, status: 'completed', output: items, usage: { input_tokens: 40 } },
    });
    return events.map((data, n) => ({ event: String(data.type), data: { ...data, sequence_number: n } }));
  };

  it('answers the retrieve call itself; the client sees one response with items and numbers that keep counting', async () => {
    script = async (req, res) => {
      if (retrievedFact(req)) {
        const message = {
          type: 'message',
          id: 'msg_1',
          role: 'assistant',
          content: [{ type: 'output_text', text: `The log says: ${FACT}` }],
        };
        return sse(
          res,
          stream('resp_2', [message], () => [
            { type: 'response.output_text.delta', output_index: 0, content_index: 0, delta: `The log says: ${FACT}` },
          ]),
          5,
        );
      }
      const args = JSON.stringify({ key: shownKey(req), query: 'rollout paused quota' });
      const items = [
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc-1' },
        { type: 'function_call', id: 'fc_1', call_id: 'call_r', name: 'headroom_retrieve', arguments: args },
      ];
      return sse(
        res,
        stream('resp_1', items, (i) =>
          i === 1 ? [{ type: 'response.function_call_arguments.delta', output_index: 1, delta: args }] : [],
        ),
        5,
      );
    };
    const text = await (await post('/v1/responses', responsesRequest)).text();
    expect(text).not.toContain('headroom_retrieve');
    const events = dataOf(text) as Record<string, unknown>[];
    expect(events.filter((e) => e.type === 'response.created')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'response.completed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'response.output_item.added').map((e) => e.output_index)).toEqual([0, 1]);
    const numbers = events.map((e) => e.sequence_number as number);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(events.find((e) => e.type === 'response.output_text.delta')).toMatchObject({
      output_index: 1,
      delta: `The log says: ${FACT}`,
    });

    const [, second] = sentUpstream();
    const input = second?.input as Record<string, unknown>[];
    expect(input.slice(-3, -1)).toEqual([
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'enc-1' },
      expect.objectContaining({ type: 'function_call', call_id: 'call_r', name: 'headroom_retrieve' }),
    ]);
    expect(input.at(-1)).toMatchObject({ type: 'function_call_output', call_id: 'call_r' });
    expect(String(input.at(-1)?.output)).toContain(FACT);
  });
});

describe('a turn that opens with the retrieve call', () => {
  it('still gives the client a single message_start', async () => {
    script = async (req, res) => {
      if (retrievedFact(req)) return sse(res, anthropicTurn(textBlock(0, `The log says: ${FACT}`), 'end_turn'), 5);
      return sse(
        res,
        anthropicTurn(toolBlock(0, 'tu1', 'headroom_retrieve', { key: shownKey(req), query: 'quota' }), 'tool_use'),
        5,
      );
    };
    const events = dataOf(await (await post('/v1/messages', anthropicRequest)).text()) as Record<string, unknown>[];
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[1]).toMatchObject({ index: 0, content_block: { type: 'text' } });
  });
});

describe('an upstream that breaks off mid-stream', () => {
  const breakOff: Script = async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: message_start\ndata: {"type":"message_start","message":{"id":"m","content":[]}}\n\n');
    res.write('event: content_block_start\ndata: {"type":"content_block_st');
    await new Promise((r) => setTimeout(r, 30));
    res.destroy();
  };

  it('ends the client’s stream with an error event, never half an event', async () => {
    script = breakOff;
    for (const path of ['/v1/messages', '/v1/chat/completions']) {
      const body = path === '/v1/messages' ? anthropicRequest : openaiRequest;
      // Without retrieval too: a bypassed request is relayed as is.
      for (const headers of [{}, { 'x-headroom-bypass': '1' }]) {
        const response = await fetch(`${running.url}${path}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
        });
        expect(response.status).toBe(200);
        const text = await response.text();
        expect(text).not.toContain('content_block_st"');
        expect(text).not.toContain('"type":"content_block_st');
        const events = dataOf(text);
        expect(events[0]).toMatchObject({ type: 'message_start' });
        expect(JSON.stringify(events)).toContain('the upstream stream broke off');
      }
    }
  });
});
