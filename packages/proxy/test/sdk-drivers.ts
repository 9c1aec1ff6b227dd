import Anthropic from '@anthropic-ai/sdk';
import { type Content, type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import type { WireFormat } from '@headroom/core';
import OpenAI from 'openai';
import { ADAPTER_CONVERSATION, type AdapterReply } from '../src/testing/index.js';

const { question, tool, call, result } = ADAPTER_CONVERSATION;
const calls = (list: { name: string; args: string | unknown }[]) =>
  list.map((c) => ({ name: c.name, args: typeof c.args === 'string' ? JSON.parse(c.args) : c.args }));

/**
 * Sends the suite's conversation with the official SDKs, read with their own parsers (the stream
 * helpers' final message for streams): `baseUrl` is where the SDK points, `fetch` what it sends with.
 */
export function sdkSender(baseUrl: string, fetch?: typeof globalThis.fetch) {
  const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${baseUrl}/v1`, ...(fetch ? { fetch } : {}) });
  const anthropic = new Anthropic({ apiKey: 'sk-ant-test', baseURL: baseUrl, ...(fetch ? { fetch } : {}) });
  const gemini = new GoogleGenAI({ apiKey: 'g-test', httpOptions: { baseUrl, ...(fetch ? { fetch } : {}) } });

  async function chat(stream: boolean): Promise<AdapterReply> {
    const request = {
      model: 'gpt-4o',
      tools: [{ type: 'function' as const, function: tool }],
      messages: [
        { role: 'user' as const, content: question },
        {
          role: 'assistant' as const,
          content: null,
          tool_calls: [
            {
              id: call.id,
              type: 'function' as const,
              function: { name: tool.name, arguments: JSON.stringify(call.args) },
            },
          ],
        },
        { role: 'tool' as const, tool_call_id: call.id, content: result },
      ],
    };
    const reply = stream
      ? await openai.chat.completions
          .stream({ ...request, stream_options: { include_usage: true } })
          .finalChatCompletion()
      : await openai.chat.completions.create(request);
    const message = reply.choices[0]?.message;
    return {
      text: message?.content ?? '',
      toolCalls: calls(
        (message?.tool_calls ?? []).flatMap((t) =>
          t.type === 'function' ? [{ name: t.function.name, args: t.function.arguments }] : [],
        ),
      ),
      ...(reply.usage ? { inputTokens: reply.usage.prompt_tokens } : {}),
    };
  }

  async function responses(stream: boolean): Promise<AdapterReply> {
    const request = {
      model: 'gpt-4o',
      tools: [{ type: 'function' as const, strict: false, ...tool }],
      input: [
        { role: 'user' as const, content: question },
        { type: 'function_call' as const, call_id: call.id, name: tool.name, arguments: JSON.stringify(call.args) },
        { type: 'function_call_output' as const, call_id: call.id, output: result },
      ],
    };
    const reply = stream
      ? await openai.responses.stream(request).finalResponse()
      : await openai.responses.create(request);
    return {
      text: reply.output_text,
      toolCalls: calls(
        reply.output.flatMap((o) => (o.type === 'function_call' ? [{ name: o.name, args: o.arguments }] : [])),
      ),
      ...(reply.usage ? { inputTokens: reply.usage.input_tokens } : {}),
    };
  }

  async function messages(stream: boolean): Promise<AdapterReply> {
    const request = {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      tools: [{ name: tool.name, description: tool.description, input_schema: tool.parameters }],
      messages: [
        { role: 'user' as const, content: question },
        {
          role: 'assistant' as const,
          content: [{ type: 'tool_use' as const, id: call.id, name: tool.name, input: call.args }],
        },
        { role: 'user' as const, content: [{ type: 'tool_result' as const, tool_use_id: call.id, content: result }] },
      ],
    };
    const reply = stream
      ? await anthropic.messages.stream(request).finalMessage()
      : await anthropic.messages.create(request);
    return {
      text: reply.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      toolCalls: calls(reply.content.flatMap((b) => (b.type === 'tool_use' ? [{ name: b.name, args: b.input }] : []))),
      inputTokens: reply.usage.input_tokens,
    };
  }

  async function generateContent(stream: boolean): Promise<AdapterReply> {
    const contents: Content[] = [
      { role: 'user', parts: [{ text: question }] },
      { role: 'model', parts: [{ functionCall: { name: tool.name, args: call.args } }] },
      { role: 'user', parts: [{ functionResponse: { name: tool.name, response: { output: result } } }] },
    ];
    const request = {
      model: 'gemini-2.5-flash',
      contents,
      config: {
        tools: [
          {
            functionDeclarations: [
              { name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters },
            ],
          },
        ],
      },
    };
    const chunks: GenerateContentResponse[] = [];
    if (stream) for await (const chunk of await gemini.models.generateContentStream(request)) chunks.push(chunk);
    else chunks.push(await gemini.models.generateContent(request));
    const usage = [...chunks].reverse().find((c) => c.usageMetadata)?.usageMetadata;
    return {
      text: chunks.map((c) => c.text ?? '').join(''),
      toolCalls: calls(
        chunks.flatMap((c) => (c.functionCalls ?? []).map((f) => ({ name: f.name ?? '', args: f.args ?? {} }))),
      ),
      ...(usage?.promptTokenCount !== undefined ? { inputTokens: usage.promptTokenCount } : {}),
    };
  }

  const byFormat: Record<WireFormat, (stream: boolean) => Promise<AdapterReply>> = {
    openai: chat,
    responses,
    anthropic: messages,
    gemini: generateContent,
  };
  return (format: WireFormat, stream: boolean) => byFormat[format](stream);
}
