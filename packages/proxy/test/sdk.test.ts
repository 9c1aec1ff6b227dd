import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headroomFetch, withHeadroom } from '../src/sdk.js';
import { deployLog, FACT, fakeModel } from './fake-model.js';
import { startUpstream } from './fake-upstream.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream(fakeModel);
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
