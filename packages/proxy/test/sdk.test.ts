import Anthropic from '@anthropic-ai/sdk';
import { parseMarkers } from '@headroom/core';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headroomFetch, withHeadroom } from '../src/sdk.js';
import { json, type Received, sse, startUpstream } from './fake-upstream.js';

const FACT = '2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3';
const deployLog = [
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO pod web-${i} ready`,
  ),
  FACT,
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:30:${String(i % 60).padStart(2, '0')}Z INFO pod api-${i} ready`,
  ),
].join('\n');

/**
 * A fake model for all three APIs: shown a marker, it calls headroom_retrieve with the marker's
 * key; shown the retrieved original, it answers with the line that matters. Streams when asked.
 */
function answer(req: Received, res: Parameters<typeof json>[0]) {
  if (!req.body.startsWith('{')) return json(res, 200, { echoed: req.body });
  const body = JSON.parse(req.body) as { stream?: boolean };
  const retrieved = req.body.includes('headroom retrieved') && req.body.includes('quota exceeded');
  const key = parseMarkers(req.body.replace(/\\"/g, '"'))[0]?.key;
  const args = { key, query: 'rollout paused' };
  const said = `The log says: ${FACT}`;
  if (req.path.endsWith('/chat/completions')) {
    if (!body.stream)
      return json(res, 200, {
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'gpt-4o',
        choices: [
          {
            index: 0,
            finish_reason: retrieved ? 'stop' : 'tool_calls',
            message: retrieved
              ? { role: 'assistant', content: said }
              : {
                  role: 'assistant',
                  content: null,
                  tool_calls: [
                    {
                      id: 'r1',
                      type: 'function',
                      function: { name: 'headroom_retrieve', arguments: JSON.stringify(args) },
                    },
                  ],
                },
          },
        ],
      });
    const chunk = (delta: object, finish: string | null = null) => ({
      data: {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'gpt-4o',
        choices: [{ index: 0, delta, finish_reason: finish }],
      },
    });
    return sse(
      res,
      [
        chunk({ role: 'assistant', content: '' }),
        ...(retrieved
          ? [chunk({ content: said }), chunk({}, 'stop')]
          : [
              chunk({
                tool_calls: [
                  {
                    index: 0,
                    id: 'r1',
                    type: 'function',
                    function: { name: 'headroom_retrieve', arguments: JSON.stringify(args) },
                  },
                ],
              }),
              chunk({}, 'tool_calls'),
            ]),
        { data: '[DONE]' },
      ],
      2,
    );
  }
  if (req.path.endsWith('/messages')) {
    const content = retrieved
      ? [{ type: 'text', text: said }]
      : [{ type: 'tool_use', id: 'tu1', name: 'headroom_retrieve', input: args }];
    const message = {
      id: 'msg',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content,
      stop_reason: retrieved ? 'end_turn' : 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    };
    if (!body.stream) return json(res, 200, message);
    const block = content[0] as { type: string };
    return sse(
      res,
      [
        {
          event: 'message_start',
          data: { type: 'message_start', message: { ...message, content: [], stop_reason: null } },
        },
        {
          event: 'content_block_start',
          data: {
            type: 'content_block_start',
            index: 0,
            content_block: block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} },
          },
        },
        {
          event: 'content_block_delta',
          data: {
            type: 'content_block_delta',
            index: 0,
            delta:
              block.type === 'text'
                ? { type: 'text_delta', text: said }
                : { type: 'input_json_delta', partial_json: JSON.stringify(args) },
          },
        },
        { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
        {
          event: 'message_delta',
          data: { type: 'message_delta', delta: { stop_reason: message.stop_reason }, usage: { output_tokens: 5 } },
        },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ],
      2,
    );
  }
  return json(res, 200, {
    id: 'resp',
    object: 'response',
    created_at: 1,
    status: 'completed',
    model: 'gpt-4o',
    output: retrieved
      ? [
          {
            type: 'message',
            id: 'm',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: said, annotations: [] }],
          },
        ]
      : [
          {
            type: 'function_call',
            id: 'fc',
            call_id: 'r1',
            name: 'headroom_retrieve',
            arguments: JSON.stringify(args),
            status: 'completed',
          },
        ],
  });
}

let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream(answer);
});
afterAll(() => upstream.close());

const toolTurn = [
  { role: 'user' as const, content: 'Why did the rollout stop?' },
  {
    role: 'assistant' as const,
    content: null,
    tool_calls: [{ id: 'k1', type: 'function' as const, function: { name: 'kubectl', arguments: '{"args":"logs"}' } }],
  },
  { role: 'tool' as const, tool_call_id: 'k1', content: deployLog },
];
const tools = [
  {
    type: 'function' as const,
    function: { name: 'kubectl', description: 'Run kubectl.', parameters: { type: 'object', properties: {} } },
  },
];

describe('withHeadroom for the OpenAI SDK', () => {
  it('compresses chat.completions.create and answers the retrieve call inside', async () => {
    const client = withHeadroom(new OpenAI({ apiKey: 'sk-test', baseURL: `${upstream.url}/v1` }));
    const before = upstream.received.length;
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: toolTurn, tools });
    expect(completion.choices[0]?.message.content).toBe(`The log says: ${FACT}`);
    const [first, second] = upstream.received.slice(before);
    expect(first?.body.length).toBeLessThan(deployLog.length / 3);
    expect(first?.headers.authorization).toBe('Bearer sk-test');
    expect(JSON.parse(first?.body ?? '{}').tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      'kubectl',
      'headroom_retrieve',
    ]);
    expect(second?.body).toContain('quota exceeded in region eu-west-3');
    // Still the SDK's own client, with its own types.
    expect(client).toBeInstanceOf(OpenAI);
  });

  it('streams, with the retrieve round answered inside the stream', async () => {
    const client = withHeadroom(new OpenAI({ apiKey: 'sk-test', baseURL: `${upstream.url}/v1` }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: toolTurn, tools, stream: true });
    let text = '';
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      expect(JSON.stringify(chunk)).not.toContain('headroom_retrieve');
    }
    expect(text).toBe(`The log says: ${FACT}`);
  });

  it('compresses responses.create', async () => {
    const client = withHeadroom(new OpenAI({ apiKey: 'sk-test', baseURL: `${upstream.url}/v1` }));
    const response = await client.responses.create({
      model: 'gpt-4o',
      input: [
        { role: 'user', content: 'Why did the rollout stop?' },
        { type: 'function_call', call_id: 'k1', name: 'kubectl', arguments: '{}' },
        { type: 'function_call_output', call_id: 'k1', output: deployLog },
      ],
    });
    expect(response.output_text).toBe(`The log says: ${FACT}`);
  });
});

describe('withHeadroom for the Anthropic SDK', () => {
  const anthropicTurn = [
    { role: 'user' as const, content: 'Why did the rollout stop?' },
    { role: 'assistant' as const, content: [{ type: 'tool_use' as const, id: 'k1', name: 'kubectl', input: {} }] },
    { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: 'k1', content: deployLog }] },
  ];

  it('compresses messages.create and answers the retrieve call inside', async () => {
    const client = withHeadroom(new Anthropic({ apiKey: 'sk-ant-test', baseURL: upstream.url }));
    const before = upstream.received.length;
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: anthropicTurn,
    });
    expect(message.content).toEqual([{ type: 'text', text: `The log says: ${FACT}` }]);
    const first = upstream.received[before];
    // The SDK's own auth and version headers go through as it set them.
    expect(first?.headers.authorization ?? first?.headers['x-api-key']).toMatch(/sk-ant-test/);
    expect(first?.headers['anthropic-version']).toBeDefined();
    expect(first?.body.length).toBeLessThan(deployLog.length / 3);
  });

  it('streams with messages.stream, returning the SDK’s final message', async () => {
    const client = withHeadroom(new Anthropic({ apiKey: 'sk-ant-test', baseURL: upstream.url }));
    const stream = client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: anthropicTurn });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: `The log says: ${FACT}` }]);
    expect(final.stop_reason).toBe('end_turn');
  });
});

describe('headroomFetch', () => {
  it('passes other requests through untouched', async () => {
    const fetchWithHeadroom = headroomFetch();
    const before = upstream.received.length;
    const response = await fetchWithHeadroom(`${upstream.url}/v1/models`, { method: 'POST', body: 'not json at all' });
    expect(response.status).toBe(200);
    expect(upstream.received[before]?.body).toBe('not json at all');
  });
});
