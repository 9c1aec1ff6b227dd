import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { parseMarkers } from '@headroom/core';
import type { ModelMessage, ToolSet } from 'ai';
import * as ai7 from 'ai';
import * as ai7Test from 'ai/test';
import * as ai6 from 'ai-v6';
import * as ai6Test from 'ai-v6/test';
import { describe, expect, it } from 'vitest';
import { type HeadroomFigures, headroomMiddleware } from '../src/index.js';

// The fakes are written once, in the v3 shape of this package's @ai-sdk/provider; both SDKs read it.
type MockOptions = ConstructorParameters<typeof ai7Test.MockLanguageModelV3>[0];
/**
 * The SDKs the middleware is tested under: AI SDK 7 with a specification-v4 model (what its
 * providers return), and AI SDK 6 with a v3 one. Each test runs under both.
 */
const SDKS = [
  {
    name: 'AI SDK 7',
    ai: ai7,
    model: (options: MockOptions) => new ai7Test.MockLanguageModelV4(options as never),
  },
  {
    name: 'AI SDK 6',
    ai: ai6 as unknown as typeof ai7,
    model: (options: MockOptions) => new ai6Test.MockLanguageModelV3(options as never),
  },
] as const;

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

const messages: ModelMessage[] = [
  { role: 'user', content: 'Why did the rollout stop?' },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', toolCallId: 'k1', toolName: 'kubectl', input: { args: 'logs' } }],
  },
  {
    role: 'tool',
    content: [
      { type: 'tool-result', toolCallId: 'k1', toolName: 'kubectl', output: { type: 'text', value: deployLog } },
    ],
  },
];
// The AI SDK's tool types do not accept exactOptionalPropertyTypes (on in this repository), hence the cast.
const toolsOf = (ai: typeof ai7) =>
  ({
    kubectl: ai.tool({ description: 'Run kubectl.', inputSchema: ai.jsonSchema({ type: 'object', properties: {} }) }),
  }) as unknown as ToolSet;

/** What the fake model read: the prompt as text, and whether it carries the retrieved original. */
const read = (options: LanguageModelV3CallOptions) => JSON.stringify(options.prompt);
const retrievedIn = (options: LanguageModelV3CallOptions) => read(options).includes('headroom retrieved');
const keyIn = (options: LanguageModelV3CallOptions) => parseMarkers(read(options).replace(/\\"/g, '"'))[0]?.key;
const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

describe.each(SDKS)('$name', (sdk) => {
  const { ai } = sdk;

  describe('headroomMiddleware with generateText', () => {
    it('sends the tool result compressed, answers the retrieve call inside, and reports figures', async () => {
      const seen: LanguageModelV3CallOptions[] = [];
      const model = sdk.model({
        doGenerate: async (options) => {
          seen.push(options);
          if (!retrievedIn(options))
            return {
              content: [
                { type: 'text', text: 'Let me look.' },
                {
                  type: 'tool-call',
                  toolCallId: 'r1',
                  toolName: 'headroom_retrieve',
                  input: JSON.stringify({ key: keyIn(options), query: 'paused' }),
                },
              ],
              finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
              usage,
              warnings: [],
            };
          return {
            content: [{ type: 'text', text: `The log says: ${FACT}` }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage,
            warnings: [],
          };
        },
      });
      const figures: HeadroomFigures[] = [];
      const result = await ai.generateText({
        model: ai.wrapLanguageModel({
          model,
          middleware: headroomMiddleware({ onCompression: (f) => figures.push(f) }),
        }),
        messages,
        tools: toolsOf(ai),
      });
      expect(result.text).toBe(`The log says: ${FACT}`);
      expect(result.toolCalls).toEqual([]);
      expect(seen).toHaveLength(2);
      expect(read(seen[0] as LanguageModelV3CallOptions).length).toBeLessThan(deployLog.length / 3);
      expect(seen[0]?.tools?.map((t) => t.name)).toEqual(['kubectl', 'headroom_retrieve']);
      expect(figures).toHaveLength(1);
      expect(figures[0]?.retrieveRounds).toBe(1);
      expect(figures[0]?.tokensAfter).toBeLessThan((figures[0]?.tokensBefore ?? 0) / 3);
      expect(result.providerMetadata?.headroom).toMatchObject({ retrieveRounds: 1, keys: figures[0]?.keys });
    });

    it('leaves a small prompt alone and offers no tool', async () => {
      const seen: LanguageModelV3CallOptions[] = [];
      const model = sdk.model({
        doGenerate: async (options) => {
          seen.push(options);
          return {
            content: [{ type: 'text', text: 'ok' }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage,
            warnings: [],
          };
        },
      });
      await ai.generateText({ model: ai.wrapLanguageModel({ model, middleware: headroomMiddleware() }), prompt: 'hi' });
      expect(seen[0]?.tools).toBeUndefined();
    });
  });

  describe('the tool list', () => {
    it('offers headroom_retrieve beside the application’s tools from the first call on, compressed or not', async () => {
      const offered: string[][] = [];
      const model = sdk.model({
        doGenerate: async (options) => {
          offered.push((options.tools ?? []).map((t) => t.name));
          return {
            content: [{ type: 'text', text: 'ok' }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage,
            warnings: [],
          };
        },
      });
      const wrapped = ai.wrapLanguageModel({ model, middleware: headroomMiddleware() });
      await ai.generateText({ model: wrapped, prompt: 'List the pods.', tools: toolsOf(ai) });
      await ai.generateText({ model: wrapped, messages, tools: toolsOf(ai) });
      // Nothing compressed on the first call, a marker on the second: the same tools, so the cache holds.
      expect(offered).toEqual([
        ['kubectl', 'headroom_retrieve'],
        ['kubectl', 'headroom_retrieve'],
      ]);
    });
  });

  describe('headroomMiddleware with streamText', () => {
    it('streams text as it comes and answers the retrieve call inside the stream', async () => {
      let calls = 0;
      const model = sdk.model({
        doStream: async (options) => {
          calls++;
          const chunks: LanguageModelV3StreamPart[] = retrievedIn(options)
            ? [
                { type: 'stream-start', warnings: [] },
                { type: 'text-start', id: 't' },
                { type: 'text-delta', id: 't', delta: `The log says: ${FACT}` },
                { type: 'text-end', id: 't' },
                { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
              ]
            : [
                { type: 'stream-start', warnings: [] },
                { type: 'text-start', id: 't' },
                { type: 'text-delta', id: 't', delta: 'Let me look. ' },
                { type: 'text-end', id: 't' },
                { type: 'tool-input-start', id: 'r1', toolName: 'headroom_retrieve' },
                { type: 'tool-input-delta', id: 'r1', delta: JSON.stringify({ key: keyIn(options) }) },
                { type: 'tool-input-end', id: 'r1' },
                {
                  type: 'tool-call',
                  toolCallId: 'r1',
                  toolName: 'headroom_retrieve',
                  input: JSON.stringify({ key: keyIn(options) }),
                },
                { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
              ];
          return { stream: ai.simulateReadableStream({ chunks, chunkDelayInMs: 1 }) };
        },
      });
      const result = ai.streamText({
        model: ai.wrapLanguageModel({ model, middleware: headroomMiddleware() }),
        messages,
        tools: toolsOf(ai),
      });
      let text = '';
      for await (const delta of result.textStream) text += delta;
      expect(text).toBe(`Let me look. The log says: ${FACT}`);
      expect(calls).toBe(2);
      expect(await result.toolCalls).toEqual([]);
      expect((await result.providerMetadata)?.headroom).toMatchObject({ retrieveRounds: 1 });
    });
  });
});
