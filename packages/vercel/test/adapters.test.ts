import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import type { WireFormat } from '@headroom/core';
import { ADAPTER_CONVERSATION, type AdapterReply, runAdapterSuite } from '@headroom/proxy/testing';
import {
  generateText,
  jsonSchema,
  type LanguageModel,
  type ModelMessage,
  streamText,
  type ToolSet,
  tool,
  wrapLanguageModel,
} from 'ai';
import { headroomMiddleware } from '../src/index.js';

// The middleware on the adapter suite's scripted turns, through the providers users install: each
// provider's own request encoding and response parsing, generateText and streamText.

const { question, call, result } = ADAPTER_CONVERSATION;
const messages: ModelMessage[] = [
  { role: 'user', content: question },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', toolCallId: call.id, toolName: ADAPTER_CONVERSATION.tool.name, input: call.args }],
  },
  {
    role: 'tool',
    content: [
      {
        type: 'tool-result',
        toolCallId: call.id,
        toolName: ADAPTER_CONVERSATION.tool.name,
        output: { type: 'text', value: result },
      },
    ],
  },
];
// The AI SDK's tool types do not accept exactOptionalPropertyTypes (on in this repository), hence the cast.
const tools = {
  kubectl: tool({
    description: ADAPTER_CONVERSATION.tool.description,
    inputSchema: jsonSchema(ADAPTER_CONVERSATION.tool.parameters),
  }),
} as unknown as ToolSet;

function providerModel(format: WireFormat, url: string): LanguageModel {
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1` });
  switch (format) {
    case 'openai':
      return openai.chat('gpt-4o');
    case 'responses':
      return openai.responses('gpt-4o');
    case 'anthropic':
      return createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${url}/v1` })('claude-sonnet-4-5');
    case 'gemini':
      return createGoogleGenerativeAI({ apiKey: 'g-test', baseURL: `${url}/v1beta` })('gemini-2.5-flash');
  }
}

runAdapterSuite({
  name: 'Vercel AI SDK middleware',
  formats: ['anthropic', 'openai', 'responses', 'gemini'],
  streams: [false, true],
  async start(modelUrl) {
    return {
      async send(format, stream): Promise<AdapterReply> {
        const model = wrapLanguageModel({
          model: providerModel(format, modelUrl) as never,
          middleware: headroomMiddleware(),
        });
        const run = stream ? streamText({ model, messages, tools }) : await generateText({ model, messages, tools });
        const [text, toolCalls, usage] = await Promise.all([run.text, run.toolCalls, run.usage]);
        return {
          text,
          toolCalls: toolCalls.map((c) => ({ name: c.toolName, args: c.input as Record<string, unknown> })),
          ...(usage.inputTokens !== undefined ? { inputTokens: usage.inputTokens } : {}),
        };
      },
    };
  },
});
