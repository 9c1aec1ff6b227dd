import { handleRetrieveCall, RETRIEVE_TOOL_NAME, retrieveToolDefinition, retrieveToolResult } from '@headroom/ccr';
import { jsonStringEnd, type Store, type WireFormat } from '@headroom/core';
import { clientHeaders } from './forward.js';
import { providerError } from './provider-errors.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Retrieve rounds the proxy answers itself before it gives the model's reply to the client. */
export const MAX_RETRIEVE_ROUNDS = 3;

/**
 * Adds `headroom_retrieve` where the client declares its own tools, in the client's own JSON text:
 * at the end of the top-level `tools`, or, for a Responses client that declares its tools in an
 * `additional_tools` input item (Codex), at the end of that item's list; else in a new `tools`
 * list, except on a Responses turn that continues an earlier response (its tools were declared
 * with the conversation), which is left as it is. Every other byte
 * stays, and the same request always gets the same bytes, so the tool list is stable from a
 * session's first request on.
 */
export function injectRetrieveTool(text: string, format: WireFormat, parsed?: unknown): string {
  const tool = JSON.stringify(retrieveToolDefinition(format));
  const body = isRecord(parsed) ? parsed : undefined;
  let span = arraySpanAt(text, ['tools']);
  if (!span && format === 'responses' && body && Array.isArray(body.input)) {
    const at = body.input.findIndex(
      (item) => isRecord(item) && item.type === 'additional_tools' && Array.isArray(item.tools),
    );
    if (at >= 0) span = arraySpanAt(text, ['input', at, 'tools']);
  }
  if (span) {
    const inner = text.slice(span.open + 1, span.close).trim();
    return `${text.slice(0, span.close)}${inner ? ',' : ''}${tool}${text.slice(span.close)}`;
  }
  if (typeof body?.previous_response_id === 'string') return text;
  const open = text.indexOf('{');
  if (open < 0) return text;
  const rest = text.slice(open + 1).trim();
  return `${text.slice(0, open + 1)}"tools":[${tool}]${rest.startsWith('}') ? '' : ','}${text.slice(open + 1)}`;
}

/** Offsets of `[` and `]` of the array at `path` in a JSON text, or `undefined` when there is none. */
export function arraySpanAt(
  text: string,
  path: readonly (string | number)[],
): { open: number; close: number } | undefined {
  const frames: { array: boolean; index: number; key: string | undefined; expectKey: boolean }[] = [];
  const wanted = JSON.stringify(path);
  let openAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = frames[frames.length - 1];
    if (c === '"') {
      const end = jsonStringEnd(text, i);
      if (top && !top.array && top.expectKey) {
        top.key = JSON.parse(text.slice(i, end)) as string;
        top.expectKey = false;
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      if (c === '[' && openAt < 0 && JSON.stringify(frames.map((f) => (f.array ? f.index : f.key))) === wanted)
        openAt = i;
      frames.push({ array: c === '[', index: 0, key: undefined, expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      frames.pop();
      if (c === ']' && openAt >= 0 && JSON.stringify(frames.map((f) => (f.array ? f.index : f.key))) === wanted)
        return { open: openAt, close: i };
    } else if (c === ',' && top) {
      if (top.array) top.index++;
      else top.expectKey = true;
    }
  }
  return undefined;
}

interface Call {
  readonly id: string;
  readonly args: unknown;
}

/** The `headroom_retrieve` calls in a non-streaming reply, in any of the three formats. */
export function retrieveCalls(format: WireFormat, reply: unknown): Call[] {
  if (!isRecord(reply)) return [];
  if (format === 'anthropic') {
    const content = Array.isArray(reply.content) ? reply.content : [];
    return content
      .filter((b) => isRecord(b) && b.type === 'tool_use' && b.name === RETRIEVE_TOOL_NAME)
      .map((b) => ({ id: String(b.id), args: b.input }));
  }
  if (format === 'openai') {
    const message = Array.isArray(reply.choices)
      ? (reply.choices[0] as Record<string, unknown> | undefined)?.message
      : undefined;
    const calls = isRecord(message) && Array.isArray(message.tool_calls) ? message.tool_calls : [];
    return calls
      .filter((c) => isRecord(c) && isRecord(c.function) && c.function.name === RETRIEVE_TOOL_NAME)
      .map((c) => ({ id: String(c.id), args: (c.function as Record<string, unknown>).arguments }));
  }
  const output = Array.isArray(reply.output) ? reply.output : [];
  return output
    .filter((o) => isRecord(o) && o.type === 'function_call' && o.name === RETRIEVE_TOOL_NAME)
    .map((o) => ({ id: String(o.call_id), args: o.arguments }));
}

/**
 * The next request of a retrieve round: the request, the model's turn that made the calls, and
 * the proxy's answers. When the model also called the client's own tools in that turn, only the
 * retrieve calls are answered here: the model sees the originals and calls the client's tools
 * again in its next turn, which the client then receives as usual.
 */
export async function followUp(
  format: WireFormat,
  request: Record<string, unknown>,
  reply: Record<string, unknown>,
  store: Store,
): Promise<Record<string, unknown>> {
  const calls = retrieveCalls(format, reply);
  const answers = await Promise.all(
    calls.map(async (c) => retrieveToolResult(format, c.id, await handleRetrieveCall(store, c.args))),
  );
  if (format === 'anthropic') {
    const content = (reply.content as Record<string, unknown>[]).filter(
      (b) => b.type !== 'tool_use' || b.name === RETRIEVE_TOOL_NAME,
    );
    return {
      ...request,
      messages: [
        ...(request.messages as unknown[]),
        { role: 'assistant', content },
        { role: 'user', content: answers },
      ],
    };
  }
  if (format === 'openai') {
    const message = (reply.choices as { message: Record<string, unknown> }[])[0]?.message ?? {};
    const toolCalls = (message.tool_calls as Record<string, unknown>[]).filter(
      (c) => (c.function as Record<string, unknown>).name === RETRIEVE_TOOL_NAME,
    );
    return {
      ...request,
      messages: [...(request.messages as unknown[]), { ...message, tool_calls: toolCalls }, ...answers],
    };
  }
  const input =
    typeof request.input === 'string'
      ? [{ role: 'user', content: request.input }]
      : Array.isArray(request.input)
        ? request.input
        : [];
  // The turn's output goes back as input (reasoning, text, the retrieve calls), minus the client's
  // calls; a reasoning item can only be replayed when the provider kept it or it carries its
  // encrypted content.
  const replayable = (o: Record<string, unknown>) =>
    o.type === 'function_call'
      ? o.name === RETRIEVE_TOOL_NAME
      : o.type !== 'reasoning' || request.store !== false || typeof o.encrypted_content === 'string';
  const made = (Array.isArray(reply.output) ? (reply.output as Record<string, unknown>[]) : []).filter(replayable);
  return { ...request, input: [...input, ...made, ...answers] };
}

/**
 * Answers the retrieve calls of a non-streaming reply and asks the model again, up to
 * `MAX_RETRIEVE_ROUNDS` times; the client gets the last reply (or the upstream's error, status
 * and body kept). A round that cannot reach the upstream is answered 502 in the provider's format.
 */
export async function answerRetrievals(
  format: WireFormat,
  request: Record<string, unknown>,
  reply: Record<string, unknown>,
  options: {
    readonly store: Store;
    readonly send: (body: string) => Promise<Response>;
    readonly onReply?: (reply: unknown) => void;
  },
): Promise<Response> {
  const errorFormat = format === 'anthropic' ? 'anthropic' : 'openai';
  let current = request;
  let last = reply;
  let response: Response | undefined;
  let payload = JSON.stringify(reply);
  for (let round = 0; round < MAX_RETRIEVE_ROUNDS && retrieveCalls(format, last).length; round++) {
    current = await followUp(format, current, last, options.store);
    try {
      response = await options.send(JSON.stringify(current));
      payload = await response.text();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return providerError(
        errorFormat,
        502,
        'upstream_unreachable',
        `a retrieve round could not reach the upstream: ${reason}`,
      );
    }
    if (!response.ok)
      return new Response(payload, { status: response.status, headers: clientHeaders(response.headers) });
    try {
      last = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      break;
    }
    options.onReply?.(last);
  }
  return new Response(payload, {
    status: 200,
    headers: response ? clientHeaders(response.headers) : { 'content-type': 'application/json' },
  });
}
