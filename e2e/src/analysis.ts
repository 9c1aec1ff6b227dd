import { getTokenizer } from '@headroom/core';
import { readConversation } from './conversation.js';
import type { AgentRequest } from './relay.js';
import { RETRIEVE_TOOL } from './script.js';
import type { Format, ModelRequest } from './scripted-model.js';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A turn of the conversation: it offers tools (not a title, probe or token count); over a
 * WebSocket, every `response.create` that asks for an answer (later ones carry only new items).
 */
export function isMain(format: Format, body: string, transport: 'http' | 'websocket' = 'http'): boolean {
  try {
    const parsed = JSON.parse(body) as Json;
    if (transport === 'websocket') return parsed.type === 'response.create' && parsed.generate !== false;
    return readConversation(format, parsed).tools.length > 0;
  } catch {
    return false;
  }
}

/** A request the proxy itself made to answer `headroom_retrieve`: its last call is the retrieve call. */
export function isRetrieveRound(format: Format, body: string): boolean {
  const calls = readConversation(format, JSON.parse(body) as Json).calls;
  return calls.at(-1)?.name === RETRIEVE_TOOL;
}

/** Every tool result the requests carry, in order, each once (over a WebSocket each turn sends only new ones). */
export function allToolResults(format: Format, bodies: readonly string[]): { name: string; text: string }[] {
  const seen = new Set<string>();
  return bodies.flatMap((body) =>
    toolResults(format, body).filter((r) => {
      const id = JSON.stringify(r);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    }),
  );
}

export function toolResults(format: Format, body: string): { name: string; text: string }[] {
  return readConversation(format, JSON.parse(body) as Json).calls.flatMap((c) =>
    c.result === undefined ? [] : [{ name: c.name, text: c.result }],
  );
}

export async function countTokens(text: string): Promise<number> {
  return (await getTokenizer('gpt-4o')).count(text);
}

/**
 * The request with every tool result's text replaced by a placeholder, `headroom_retrieve` removed
 * from the tools, and (optionally) every `cache_control` dropped: what must reach the model
 * exactly as the agent sent it.
 */
export function outsideToolResults(format: Format, body: string, options: { cacheControl?: boolean } = {}): Json {
  const request = JSON.parse(body, (key, value) =>
    options.cacheControl === false && key === 'cache_control' ? undefined : value,
  ) as Json;
  const mask = (item: Json, field: string) => {
    if (field in item) item[field] = '<tool result>';
  };
  if (format === 'anthropic') {
    for (const message of Array.isArray(request.messages) ? request.messages : []) {
      if (!isRecord(message) || !Array.isArray(message.content)) continue;
      for (const block of message.content) if (isRecord(block) && block.type === 'tool_result') mask(block, 'content');
    }
  } else if (format === 'openai') {
    for (const message of Array.isArray(request.messages) ? request.messages : [])
      if (isRecord(message) && message.role === 'tool') mask(message, 'content');
  } else if (format === 'gemini') {
    for (const content of Array.isArray(request.contents) ? request.contents : []) {
      if (!isRecord(content) || !Array.isArray(content.parts)) continue;
      for (const part of content.parts) {
        const response = isRecord(part) && isRecord(part.functionResponse) ? part.functionResponse.response : undefined;
        if (isRecord(response))
          for (const [k, v] of Object.entries(response)) if (typeof v === 'string') mask(response, k);
      }
    }
    for (const tool of Array.isArray(request.tools) ? request.tools : [])
      if (isRecord(tool) && Array.isArray(tool.functionDeclarations))
        tool.functionDeclarations = withoutRetrieve(tool.functionDeclarations);
  } else {
    for (const item of Array.isArray(request.input) ? request.input : []) {
      if (!isRecord(item)) continue;
      if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') mask(item, 'output');
      if (Array.isArray(item.tools)) item.tools = withoutRetrieve(item.tools);
    }
  }
  if (Array.isArray(request.tools)) request.tools = withoutRetrieve(request.tools);
  return request;
}

function withoutRetrieve(tools: unknown[]): unknown[] {
  return tools.filter(
    (t) => !(isRecord(t) && (t.name === RETRIEVE_TOOL || (isRecord(t.function) && t.function.name === RETRIEVE_TOOL))),
  );
}

/** Headers that describe one hop, or that the proxy sets on purpose (identity encoding), not the request. */
const HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'accept-encoding',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
]);

export function endToEndHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Json {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP.has(k.toLowerCase())));
}

/** The main requests on each side, paired in order; the proxy's own retrieve rounds are left out. */
export function pairTurns(
  format: Format,
  agentSide: readonly AgentRequest[],
  modelSide: readonly ModelRequest[],
): { sent: AgentRequest; reached: ModelRequest }[] {
  const sent = agentSide.filter((r) => r.method !== 'GET' && isMain(format, r.body, r.transport));
  const reached = modelSide.filter((r) => r.main && !isRetrieveRound(format, r.body));
  return sent.map((s, i) => ({ sent: s, reached: reached[i] as ModelRequest }));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
