import { parseMarkers } from '@headroom/core';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import { BaseChatModel, type BindToolsInput } from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compressMessages, HeadroomChatModel } from '../src/index.js';

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

const conversation = (): BaseMessage[] => [
  new HumanMessage('Why did the rollout stop?'),
  new AIMessage({ content: '', tool_calls: [{ id: 'k1', name: 'kubectl', args: { cmd: 'logs' }, type: 'tool_call' }] }),
  new ToolMessage({ content: deployLog, tool_call_id: 'k1', name: 'kubectl' }),
];

interface Log {
  readonly calls: { messages: BaseMessage[]; tools: string[] }[];
}

/**
 * A fake tool-calling model: shown a marker, it calls headroom_retrieve with the key; shown the
 * retrieved original, it answers with the line that matters; bound to an `Answer` tool, it
 * calls that (structured output). It streams its replies in pieces.
 */
class FakeToolModel extends BaseChatModel {
  constructor(
    readonly log: Log = { calls: [] },
    readonly tools: string[] = [],
  ) {
    super({});
  }
  override _llmType() {
    return 'fake-tools';
  }
  override bindTools(tools: BindToolsInput[]): Runnable<BaseLanguageModelInput, AIMessageChunk> {
    const names = tools.map(
      (t) => (t as { function?: { name: string }; name?: string }).function?.name ?? (t as { name: string }).name,
    );
    return new FakeToolModel(this.log, names) as unknown as Runnable<BaseLanguageModelInput, AIMessageChunk>;
  }
  private reply(messages: BaseMessage[]): AIMessage {
    this.log.calls.push({ messages, tools: this.tools });
    const last = messages.at(-1);
    if (this.tools.includes('Answer'))
      return new AIMessage({
        content: '',
        tool_calls: [{ id: 'a1', name: 'Answer', args: { cause: 'quota exceeded' }, type: 'tool_call' }],
      });
    if (ToolMessage.isInstance(last) && last.name === 'headroom_retrieve')
      return new AIMessage(
        `The log says: ${/\d{4}-\d\d-\d\dT[^\n]*WARN rollout paused[^\n]*/.exec(String(last.content))?.[0]}`,
      );
    const key = parseMarkers(messages.map((m) => String(m.content)).join('\n'))[0]?.key;
    if (key && this.tools.includes('headroom_retrieve'))
      return new AIMessage({
        content: 'Let me look. ',
        tool_calls: [
          { id: 'r1', name: 'headroom_retrieve', args: { key, query: 'rollout paused' }, type: 'tool_call' },
        ],
      });
    return new AIMessage('No markers.');
  }
  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const reply = this.reply(messages);
    // Chat models return chunks from invoke; LangChain's structured output parser insists on it.
    const message = new AIMessageChunk({ content: reply.content, tool_calls: reply.tool_calls ?? [] });
    return { generations: [{ text: message.text, message }] };
  }
  override async *_streamResponseChunks(messages: BaseMessage[]): AsyncGenerator<ChatGenerationChunk> {
    const message = this.reply(messages);
    const text = message.text;
    for (const piece of [text.slice(0, 5), text.slice(5)].filter(Boolean))
      yield new ChatGenerationChunk({ message: new AIMessageChunk(piece), text: piece });
    for (const [index, call] of (message.tool_calls ?? []).entries())
      yield new ChatGenerationChunk({
        message: new AIMessageChunk({
          content: '',
          tool_call_chunks: [
            { id: call.id ?? '', name: call.name, args: JSON.stringify(call.args), index, type: 'tool_call_chunk' },
          ],
        }),
        text: '',
      });
  }
}

const kubectl = {
  type: 'function',
  function: { name: 'kubectl', description: 'Run kubectl.', parameters: { type: 'object', properties: {} } },
};

describe('HeadroomChatModel', () => {
  it('sends tool messages compressed, answers the retrieve call inside, and reports figures', async () => {
    const inner = new FakeToolModel();
    const model = new HeadroomChatModel({ model: inner }).bindTools([kubectl]);
    const reply = await model.invoke(conversation());
    expect(reply.content).toBe(`The log says: ${FACT}`);
    expect(reply.tool_calls).toEqual([]);
    const [first, second] = inner.log.calls;
    expect(first?.tools).toEqual(['kubectl', 'headroom_retrieve']);
    expect(String(first?.messages[2]?.content).length).toBeLessThan(deployLog.length / 3);
    expect(second?.messages.map((m) => m.type)).toEqual(['human', 'ai', 'tool', 'ai', 'tool']);
    const headroom = reply.response_metadata.headroom as {
      tokensBefore: number;
      tokensAfter: number;
      retrieveRounds: number;
    };
    expect(headroom.retrieveRounds).toBe(1);
    expect(headroom.tokensAfter).toBeLessThan(headroom.tokensBefore / 3);
  });

  it('streams, with the retrieve round answered inside the stream', async () => {
    const inner = new FakeToolModel();
    const model = new HeadroomChatModel({ model: inner });
    let text = '';
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await model.stream(conversation())) {
      text += chunk.text;
      whole = whole ? whole.concat(chunk) : chunk;
      expect(chunk.tool_call_chunks ?? []).toEqual([]);
    }
    expect(text).toBe(`Let me look. The log says: ${FACT}`);
    expect(whole?.response_metadata.headroom).toMatchObject({ retrieveRounds: 1 });
  });

  it('offers headroom_retrieve beside the application’s tools from the first call on, compressed or not', async () => {
    const log: Log = { calls: [] };
    const model = new HeadroomChatModel({ model: new FakeToolModel(log) }).bindTools([kubectl]);
    await model.invoke([new HumanMessage('List the pods.')]);
    await model.invoke(conversation());
    // The same tool list on the call with nothing to compress and the one with a marker: the cache holds.
    expect(log.calls[0]?.tools).toEqual(['kubectl', 'headroom_retrieve']);
    expect(log.calls[1]?.tools).toEqual(['kubectl', 'headroom_retrieve']);
  });

  it('offers no tool to a call without tools and nothing compressed', async () => {
    const log: Log = { calls: [] };
    await new HeadroomChatModel({ model: new FakeToolModel(log) }).invoke([new HumanMessage('Hi.')]);
    expect(log.calls[0]?.tools).toEqual([]);
  });

  it('batches', async () => {
    const model = new HeadroomChatModel({ model: new FakeToolModel() });
    const replies = await model.batch([conversation(), [new HumanMessage('hello')]]);
    expect(replies.map((r) => r.content)).toEqual([`The log says: ${FACT}`, 'No markers.']);
  });

  it('keeps withStructuredOutput working, on compressed messages', async () => {
    const inner = new FakeToolModel();
    const structured = new HeadroomChatModel({ model: inner }).withStructuredOutput(
      z.object({ cause: z.string() }).describe('The cause'),
      { name: 'Answer' },
    );
    expect(await structured.invoke(conversation())).toEqual({ cause: 'quota exceeded' });
    expect(String(inner.log.calls[0]?.messages[2]?.content).length).toBeLessThan(deployLog.length / 3);
  });

  it('passes callbacks, tags and metadata to the inner model’s run, as a child of its own', async () => {
    const starts: { runId: string; parentRunId?: string; metadata?: Record<string, unknown>; tags?: string[] }[] = [];
    const handler = BaseCallbackHandler.fromMethods({
      handleChatModelStart(_llm, _messages, runId, parentRunId, _extra, tags, metadata) {
        starts.push({
          runId,
          ...(parentRunId ? { parentRunId } : {}),
          ...(metadata ? { metadata } : {}),
          ...(tags ? { tags } : {}),
        });
      },
    });
    const model = new HeadroomChatModel({ model: new FakeToolModel() });
    await model.invoke(conversation(), { callbacks: [handler], metadata: { app: 'triage' }, tags: ['oncall'] });
    const [outer, ...inner] = starts;
    expect(inner.length).toBe(2);
    for (const run of inner) {
      expect(run.parentRunId).toBe(outer?.runId);
      expect(run.metadata).toMatchObject({ app: 'triage' });
      expect(run.tags).toContain('oncall');
    }
  });
});

describe('compressMessages', () => {
  it('compresses tool messages only, keeping their other fields', async () => {
    const input = conversation();
    const { messages, figures } = await compressMessages(input);
    expect(messages[0]).toBe(input[0]);
    expect(messages[1]).toBe(input[1]);
    const tool = messages[2] as ToolMessage;
    expect(tool.tool_call_id).toBe('k1');
    expect(tool.name).toBe('kubectl');
    expect(String(tool.content)).toContain(FACT);
    expect(figures.tokensAfter).toBeLessThan(figures.tokensBefore / 3);
    expect(figures.keys).toEqual([]); // no store given: omissions counted, no key
    expect(input[2]?.content).toBe(deployLog);
  });
});
