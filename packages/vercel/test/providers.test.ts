import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, type LanguageModel, type ModelMessage, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployLog, FACT, fakeModel } from '../../proxy/test/fake-model.js';
import { startUpstream } from '../../proxy/test/fake-upstream.js';
import { headroomMiddleware } from '../src/index.js';

// The middleware under AI SDK 7 with the providers users install, each speaking its own wire
// format to a model on loopback: the provider's request encoding and response parsing are real.
let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream(fakeModel);
});
afterAll(() => upstream.close());

const PROVIDERS: { name: string; model: () => LanguageModel; path: RegExp }[] = [
  {
    name: '@ai-sdk/openai (Chat Completions)',
    model: () => createOpenAI({ apiKey: 'sk-test', baseURL: `${upstream.url}/v1` }).chat('gpt-4o'),
    path: /\/v1\/chat\/completions$/,
  },
  {
    name: '@ai-sdk/openai (Responses)',
    model: () => createOpenAI({ apiKey: 'sk-test', baseURL: `${upstream.url}/v1` }).responses('gpt-4o'),
    path: /\/v1\/responses$/,
  },
  {
    name: '@ai-sdk/anthropic',
    model: () => createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${upstream.url}/v1` })('claude-sonnet-4-5'),
    path: /\/v1\/messages$/,
  },
  {
    name: '@ai-sdk/google',
    model: () => createGoogleGenerativeAI({ apiKey: 'g-test', baseURL: `${upstream.url}/v1beta` })('gemini-2.5-flash'),
    path: /\/v1beta\/models\/gemini-2\.5-flash:(generateContent|streamGenerateContent\?alt=sse)$/,
  },
];

const messages: ModelMessage[] = [
  { role: 'user', content: 'Why did the rollout stop?' },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'kubectl', input: { args: 'logs deploy/web' } }],
  },
  {
    role: 'tool',
    content: [
      { type: 'tool-result', toolCallId: 'call_1', toolName: 'kubectl', output: { type: 'text', value: deployLog } },
    ],
  },
];

describe.each(PROVIDERS)('headroomMiddleware with $name', (provider) => {
  const wrapped = () => wrapLanguageModel({ model: provider.model() as never, middleware: headroomMiddleware() });

  it('generateText: the log goes out compressed, the retrieve call is answered inside', async () => {
    const before = upstream.received.length;
    const { text, providerMetadata } = await generateText({ model: wrapped(), messages });
    const sent = upstream.received.slice(before);
    expect(text).toBe(`The log says: ${FACT}`);
    expect(sent.map((r) => r.path)).toEqual([
      expect.stringMatching(provider.path),
      expect.stringMatching(provider.path),
    ]);
    expect(sent[0]?.body.length).toBeLessThan(deployLog.length / 4);
    expect(sent[0]?.body).toContain('headroom_retrieve');
    expect(sent[1]?.body).toContain(FACT);
    const { tokensBefore, tokensAfter } = (providerMetadata?.headroom ?? {}) as {
      tokensBefore: number;
      tokensAfter: number;
    };
    expect(tokensAfter).toBeLessThan(tokensBefore / 4);
  });

  it('streamText: the answer streams after the retrieve round', async () => {
    const before = upstream.received.length;
    const result = streamText({ model: wrapped(), messages });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe(`The log says: ${FACT}`);
    const sent = upstream.received.slice(before);
    expect(sent.map((r) => r.path)).toEqual([
      expect.stringMatching(provider.path),
      expect.stringMatching(provider.path),
    ]);
    expect(sent[0]?.body.length).toBeLessThan(deployLog.length / 4);
    expect(await result.toolCalls).toEqual([]);
  });
});
