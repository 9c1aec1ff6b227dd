import { ADAPTER_CONVERSATION, type AdapterReply, runAdapterSuite } from '@headroom/proxy/testing';
import { AIMessage, type AIMessageChunk, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { HeadroomChatModel } from '../src/index.js';

// The LangChain model on the adapter suite's scripted turns, wrapping ChatOpenAI (Chat Completions
// and the Responses API): ChatOpenAI's own request encoding and response parsing, invoke and stream.

const { question, tool, call, result } = ADAPTER_CONVERSATION;
const messages = (): BaseMessage[] => [
  new HumanMessage(question),
  new AIMessage({ content: '', tool_calls: [{ id: call.id, name: tool.name, args: call.args, type: 'tool_call' }] }),
  new ToolMessage({ content: result, tool_call_id: call.id, name: tool.name }),
];

runAdapterSuite({
  name: 'LangChain model (ChatOpenAI)',
  formats: ['openai', 'responses'],
  streams: [false, true],
  async start(modelUrl) {
    return {
      async send(format, stream): Promise<AdapterReply> {
        const inner = new ChatOpenAI({
          model: 'gpt-4o',
          apiKey: 'sk-test',
          configuration: { baseURL: `${modelUrl}/v1` },
          useResponsesApi: format === 'responses',
          streamUsage: true,
          maxRetries: 0,
        });
        const model = new HeadroomChatModel({ model: inner }).bindTools([{ type: 'function', function: tool }]);
        let reply: AIMessageChunk | AIMessage | undefined;
        if (stream)
          for await (const chunk of await model.stream(messages()))
            reply = reply ? (reply as AIMessageChunk).concat(chunk) : chunk;
        else reply = await model.invoke(messages());
        const usage = (reply as { usage_metadata?: { input_tokens: number } } | undefined)?.usage_metadata;
        return {
          text: reply?.text ?? '',
          toolCalls: (reply?.tool_calls ?? []).map((c) => ({ name: c.name, args: c.args })),
          ...(usage ? { inputTokens: usage.input_tokens } : {}),
        };
      },
    };
  },
});
