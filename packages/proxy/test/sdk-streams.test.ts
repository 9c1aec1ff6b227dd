import Anthropic from '@anthropic-ai/sdk';
import { createMemoryStore } from '@headroom/ccr';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as turns from '../../core/test/stream-fixtures.js';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { startUpstream } from './fake-upstream.js';

// A model that writes a sentence and then calls headroom_retrieve, then answers: the official
// SDKs' own stream helpers read what the proxy relays across the round, and their final message
// must hold everything that was streamed.
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let proxy: RunningProxy;
beforeAll(async () => {
  upstream = await startUpstream(async (req, res) => {
    const format = req.path.endsWith('/messages')
      ? turns.anthropic
      : req.path.endsWith('/responses')
        ? turns.responses
        : turns.openai;
    // The round's follow-up carries the retrieve call's answer; the first request does not.
    const followUp = /headroom retrieved|not found|unknown|expired/i.test(req.body);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(followUp ? format.textStream : format.retrieveStream);
  });
  proxy = await serveProxy({
    port: 0,
    upstreamOpenAI: upstream.url,
    upstreamAnthropic: upstream.url,
    store: createMemoryStore(),
  });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const question = 'Why did the rollout stop?';
const function_ = { name: 'kubectl', description: 'Run kubectl.', parameters: { type: 'object', properties: {} } };

describe('streams across a retrieve round, read by the official SDKs', () => {
  it('OpenAI Responses: one response id, gapless sequence numbers, finalResponse() with all the text', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxy.url}/v1` });
    const stream = client.responses.stream({
      model: 'gpt-5',
      input: question,
      tools: [{ type: 'function', strict: false, ...function_ }],
    });
    const numbers: number[] = [];
    const ids = new Set<string>();
    for await (const event of stream) {
      numbers.push(event.sequence_number);
      if ('response' in event) ids.add(event.response.id);
    }
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(`Let me look.${turns.STREAMED}`);
    // Its own context's size (the first round's prompt), not the round's, which held the original.
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
    expect(ids.size).toBe(1);
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] as number) + i));
  });

  it('OpenAI Chat Completions: one completion id, one role, finalChatCompletion() with all the text', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxy.url}/v1` });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: question }],
      tools: [{ type: 'function', function: function_ }],
      stream_options: { include_usage: true },
    });
    const ids = new Set<string>();
    let roles = 0;
    for await (const chunk of stream) {
      ids.add(chunk.id);
      if (chunk.choices[0]?.delta.role) roles++;
    }
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(`Let me look.${turns.STREAMED}`);
    expect(final.choices[0]?.message.tool_calls ?? []).toEqual([]);
    expect([ids.size, roles]).toEqual([1, 1]);
    expect(final.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
  });

  it('Anthropic Messages: finalMessage() with the text of both turns, block indices that keep counting', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: proxy.url });
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      messages: [{ role: 'user', content: question }],
      tools: [{ name: 'kubectl', description: 'Run kubectl.', input_schema: { type: 'object', properties: {} } }],
    });
    const final = await stream.finalMessage();
    const texts = final.content.flatMap((b) => (b.type === 'text' ? [b.text] : []));
    expect(texts).toEqual(['Let me look.', turns.STREAMED]);
    expect(final.usage).toMatchObject({ input_tokens: 10, output_tokens: 5 });
    expect(final.content.some((b) => b.type === 'tool_use')).toBe(false);
  });
});
