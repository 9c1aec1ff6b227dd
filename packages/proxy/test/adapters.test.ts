import { createMemoryStore } from '@headroom/ccr';
import { WebSocket } from 'ws';
import { serveProxy } from '../src/node.js';
import { headroomFetch } from '../src/sdk.js';
import { ADAPTER_CONVERSATION, type AdapterReply, runAdapterSuite } from '../src/testing/index.js';
import { sdkSender } from './sdk-drivers.js';

// Every mode this package serves, on the adapter suite's scripted turns, read by the official SDKs.

runAdapterSuite({
  name: 'proxy (HTTP)',
  formats: ['anthropic', 'openai', 'responses', 'gemini'],
  streams: [false, true],
  async start(modelUrl) {
    const proxy = await serveProxy({
      port: 0,
      upstreamOpenAI: modelUrl,
      upstreamAnthropic: modelUrl,
      upstreamGemini: modelUrl,
      store: createMemoryStore(),
    });
    return { send: sdkSender(proxy.url), close: () => proxy.close() };
  },
});

runAdapterSuite({
  name: 'headroomFetch (withHeadroom; @google/genai through httpOptions.fetch)',
  formats: ['anthropic', 'openai', 'responses', 'gemini'],
  streams: [false, true],
  async start(modelUrl) {
    return { send: sdkSender(modelUrl, headroomFetch()) };
  },
});

/** One `response.create` over the proxy's WebSocket; the reply read from `response.completed`, as the SDK reads it. */
function sendOverSocket(url: string): Promise<AdapterReply> {
  const { question, tool, call, result } = ADAPTER_CONVERSATION;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/responses`, {
      headers: { authorization: 'Bearer sk-x' },
    });
    ws.once('error', reject);
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { type: string; response?: Record<string, unknown> };
      if (event.type === 'error') reject(new Error(data.toString()));
      if (event.type !== 'response.completed') return;
      const output = (event.response?.output ?? []) as {
        type: string;
        name?: string;
        arguments?: string;
        content?: { text?: string }[];
      }[];
      ws.close();
      resolve({
        text: output.flatMap((o) => (o.type === 'message' ? (o.content ?? []).map((c) => c.text ?? '') : [])).join(''),
        toolCalls: output.flatMap((o) =>
          o.type === 'function_call' ? [{ name: o.name ?? '', args: JSON.parse(o.arguments ?? '{}') }] : [],
        ),
        inputTokens: (event.response?.usage as { input_tokens: number } | undefined)?.input_tokens ?? -1,
      });
    });
    ws.once('open', () =>
      ws.send(
        JSON.stringify({
          type: 'response.create',
          model: 'gpt-5',
          tools: [{ type: 'function', ...tool }],
          input: [
            { role: 'user', content: question },
            { type: 'function_call', call_id: call.id, name: tool.name, arguments: JSON.stringify(call.args) },
            { type: 'function_call_output', call_id: call.id, output: result },
          ],
        }),
      ),
    );
  });
}

runAdapterSuite({
  name: 'proxy (Responses over WebSocket)',
  formats: ['responses'],
  streams: [true],
  async start(modelUrl) {
    const proxy = await serveProxy({ port: 0, upstreamOpenAI: modelUrl, store: createMemoryStore() });
    return { send: () => sendOverSocket(proxy.url), close: () => proxy.close() };
  },
});

/** Gemini's JSON-array stream (`:streamGenerateContent` without `alt=sse`), which no SDK asks for: read as a REST client reads it. */
async function sendForJsonArray(baseUrl: string, fetcher: typeof fetch = fetch): Promise<AdapterReply> {
  const { question, tool, call, result } = ADAPTER_CONVERSATION;
  const response = await fetcher(`${baseUrl}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'g-test' },
    body: JSON.stringify({
      contents: [
        { role: 'user', parts: [{ text: question }] },
        { role: 'model', parts: [{ functionCall: { name: tool.name, args: call.args } }] },
        { role: 'user', parts: [{ functionResponse: { name: tool.name, response: { output: result } } }] },
      ],
      tools: [
        { functionDeclarations: [{ name: tool.name, description: tool.description, parameters: tool.parameters }] },
      ],
    }),
  });
  type Part = { text?: string; functionCall?: { name: string; args: Record<string, unknown> } };
  type Chunk = { candidates?: { content?: { parts?: Part[] } }[]; usageMetadata?: { promptTokenCount: number } };
  const chunks = (await response.json()) as Chunk[];
  const parts = chunks.flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
  const usage = [...chunks].reverse().find((c) => c.usageMetadata)?.usageMetadata;
  return {
    text: parts.map((p) => p.text ?? '').join(''),
    toolCalls: parts.flatMap((p) => (p.functionCall ? [{ name: p.functionCall.name, args: p.functionCall.args }] : [])),
    ...(usage ? { inputTokens: usage.promptTokenCount } : {}),
  };
}

runAdapterSuite({
  name: 'proxy (Gemini JSON-array stream)',
  formats: ['gemini'],
  streams: [true],
  async start(modelUrl) {
    const proxy = await serveProxy({ port: 0, upstreamGemini: modelUrl, store: createMemoryStore() });
    return { send: () => sendForJsonArray(proxy.url), close: () => proxy.close() };
  },
});

runAdapterSuite({
  name: 'headroomFetch (Gemini JSON-array stream)',
  formats: ['gemini'],
  streams: [true],
  async start(modelUrl) {
    const fetcher = headroomFetch();
    return { send: () => sendForJsonArray(modelUrl, fetcher) };
  },
});
