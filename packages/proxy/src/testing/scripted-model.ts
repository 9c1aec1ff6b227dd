import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DIALECTS, formatOfPath, parseMarkers, type WireFormat } from '@headroom/core';
import { WebSocketServer } from 'ws';

/** A request as the model received it. */
export interface ModelRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** The wire format its path speaks; undefined for anything else. */
  readonly format?: WireFormat;
  /** Whether it came as a Responses `response.create` over a WebSocket. */
  readonly socket?: boolean;
}

/** A call of a tool the model makes. */
export interface ScriptedCall {
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** One turn of the model, in no format: each API's encoder writes it in its own. */
export interface ScriptedTurn {
  readonly text?: string;
  readonly calls?: readonly ScriptedCall[];
  /** Default: the prompt's size in tokens by `promptTokens`, and 5 out. */
  readonly usage?: { readonly input: number; readonly output: number };
  /** Refuse the request instead, with this status and error, in the format's own error shape. */
  readonly error?: { readonly status: number; readonly type: string; readonly message: string };
}

/** Decides the model's turn from what it was sent. */
export type ModelScript = (request: ModelRequest) => ScriptedTurn;

/** What the model reports as a request's prompt size: a stand-in that grows with the request, a token per 4 bytes. */
export function promptTokens(body: string): number {
  return Math.ceil(body.length / 4);
}

/** What a script reads off a request: the keys of its markers, and whether it holds retrieved originals. */
export function readRequest(request: ModelRequest): { readonly keys: string[]; readonly retrieved: boolean } {
  const text = request.body.replace(/\\"/g, '"');
  return {
    keys: [...new Set(parseMarkers(text).flatMap((m) => (m.key ? [m.key] : [])))],
    retrieved: text.includes('headroom retrieved'),
  };
}

interface Encoded {
  readonly json: unknown;
  /** The turn as stream events: `event` names where the API uses them. */
  readonly events: readonly { readonly event?: string; readonly data: unknown }[];
}

type Usage = { readonly input: number; readonly output: number };

function chatTurn(turn: ScriptedTurn, usage: Usage, body: Record<string, unknown>): Encoded {
  const calls = (turn.calls ?? []).map((c, i) => ({
    id: `r${i + 1}`,
    type: 'function',
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  }));
  const finish = calls.length ? 'tool_calls' : 'stop';
  const base = { id: 'c', created: 1, model: String(body.model ?? 'gpt-4o') };
  const chatUsage = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
  const chunk = (delta: object, finish_reason: string | null = null) => ({
    data: { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason }] },
  });
  const wantsUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  return {
    json: {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          finish_reason: finish,
          message: { role: 'assistant', content: turn.text ?? null, ...(calls.length ? { tool_calls: calls } : {}) },
        },
      ],
      usage: chatUsage,
    },
    events: [
      chunk({ role: 'assistant', content: '' }),
      ...(turn.text ? [chunk({ content: turn.text })] : []),
      ...calls.map((call, index) => chunk({ tool_calls: [{ index, ...call }] })),
      chunk({}, finish),
      ...(wantsUsage ? [{ data: { ...base, object: 'chat.completion.chunk', choices: [], usage: chatUsage } }] : []),
      { data: '[DONE]' },
    ],
  };
}

function anthropicTurn(turn: ScriptedTurn, usage: Usage, body: Record<string, unknown>): Encoded {
  type Block =
    | { type: 'text'; text: string }
    | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };
  const content: Block[] = [
    ...(turn.text ? [{ type: 'text' as const, text: turn.text }] : []),
    ...(turn.calls ?? []).map((c, i) => ({ type: 'tool_use' as const, id: `tu${i + 1}`, name: c.name, input: c.args })),
  ];
  const stop = turn.calls?.length ? 'tool_use' : 'end_turn';
  const message = {
    id: 'msg',
    type: 'message',
    role: 'assistant',
    model: String(body.model ?? 'claude-sonnet-4-5'),
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: usage.input, output_tokens: usage.output },
  };
  const event = (type: string, data: object) => ({ event: type, data: { type, ...data } });
  return {
    json: message,
    events: [
      event('message_start', {
        message: { ...message, content: [], stop_reason: null, usage: { input_tokens: usage.input, output_tokens: 1 } },
      }),
      ...content.flatMap((block, index) => [
        event('content_block_start', {
          index,
          content_block: block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} },
        }),
        event('content_block_delta', {
          index,
          delta:
            block.type === 'text'
              ? { type: 'text_delta', text: block.text }
              : { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        }),
        event('content_block_stop', { index }),
      ]),
      event('message_delta', {
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { output_tokens: usage.output },
      }),
      event('message_stop', {}),
    ],
  };
}

function geminiTurn(turn: ScriptedTurn, usage: Usage): Encoded {
  const parts = [
    ...(turn.text ? [{ text: turn.text }] : []),
    ...(turn.calls ?? []).map((c) => ({ functionCall: { name: c.name, args: c.args } })),
  ];
  const usageMetadata = {
    promptTokenCount: usage.input,
    candidatesTokenCount: usage.output,
    totalTokenCount: usage.input + usage.output,
  };
  const answer = (p: readonly object[], last: boolean) => ({
    candidates: [{ index: 0, ...(last ? { finishReason: 'STOP' } : {}), content: { role: 'model', parts: p } }],
    ...(last ? { usageMetadata } : {}),
    modelVersion: 'gemini-2.5-flash',
  });
  // Gemini streams each part as a whole GenerateContentResponse; the last one carries the finish and usage.
  return {
    json: answer(parts, true),
    events: parts.map((part, i) => ({ data: answer([part], i === parts.length - 1) })),
  };
}

function responsesTurn(turn: ScriptedTurn, usage: Usage, body: Record<string, unknown>): Encoded {
  const items: Record<string, unknown>[] = [
    ...(turn.text
      ? [
          {
            type: 'message',
            id: 'm',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: turn.text, annotations: [] }],
          },
        ]
      : []),
    ...(turn.calls ?? []).map((c, i) => ({
      type: 'function_call',
      id: i ? `fc${i + 1}` : 'fc',
      call_id: `r${i + 1}`,
      name: c.name,
      arguments: JSON.stringify(c.args),
      status: 'completed',
    })),
  ];
  const response = { id: 'resp', object: 'response', created_at: 1, model: String(body.model ?? 'gpt-4o') };
  const responsesUsage = {
    input_tokens: usage.input,
    output_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
  const events: Record<string, unknown>[] = [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
    ...items.flatMap((item, output_index): Record<string, unknown>[] => {
      const added = { type: 'response.output_item.added', output_index, item: { ...item, status: 'in_progress' } };
      const done = { type: 'response.output_item.done', output_index, item };
      if (item.type !== 'message')
        return [
          { ...added, item: { ...item, status: 'in_progress', arguments: '' } },
          { type: 'response.function_call_arguments.delta', item_id: item.id, output_index, delta: item.arguments },
          { type: 'response.function_call_arguments.done', item_id: item.id, output_index, arguments: item.arguments },
          done,
        ];
      // A message's text comes as a content part: added, its deltas, its text done, the part done.
      const part = { type: 'output_text', text: turn.text ?? '', annotations: [] };
      const at = { item_id: item.id, output_index, content_index: 0 };
      return [
        { ...added, item: { ...item, status: 'in_progress', content: [] } },
        { type: 'response.content_part.added', ...at, part: { ...part, text: '' } },
        { type: 'response.output_text.delta', ...at, delta: turn.text },
        { type: 'response.output_text.done', ...at, text: turn.text },
        { type: 'response.content_part.done', ...at, part },
        done,
      ];
    }),
    {
      type: 'response.completed',
      response: { ...response, status: 'completed', output: items, usage: responsesUsage },
    },
  ];
  return {
    json: { ...response, status: 'completed', output: items, usage: responsesUsage },
    events: events.map((data, n) => ({ event: String(data.type), data: { ...data, sequence_number: n } })),
  };
}

/** The turn in the request's format, as a JSON reply and as stream events. */
function encode(format: WireFormat, turn: ScriptedTurn, request: ModelRequest, body: Record<string, unknown>): Encoded {
  const usage = turn.usage ?? { input: promptTokens(request.body), output: 5 };
  switch (format) {
    case 'openai':
      return chatTurn(turn, usage, body);
    case 'anthropic':
      return anthropicTurn(turn, usage, body);
    case 'gemini':
      return geminiTurn(turn, usage);
    case 'responses':
      return responsesTurn(turn, usage, body);
  }
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Writes the events one by one with a pause, like a model generating tokens. */
async function writeEvents(res: ServerResponse, events: Encoded['events'], pauseMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const e of events) {
    const data = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
    res.write(`${e.event ? `event: ${e.event}\n` : ''}data: ${data}\n\n`);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  res.end();
}

/**
 * Answers one request by the script, in the request's own API: Chat Completions, Anthropic
 * Messages, Responses or Gemini, as JSON or streamed (server-sent events; Gemini's JSON array
 * when `alt=sse` is absent). Anything else is echoed back as JSON.
 */
export async function answerScripted(
  script: ModelScript,
  request: ModelRequest,
  res: ServerResponse,
  pauseMs = 2,
): Promise<void> {
  const format = request.format ?? formatOfPath(new URL(request.path, 'http://model').pathname, 'suffix');
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(request.body) as Record<string, unknown>;
  } catch {
    return writeJson(res, 200, { echoed: request.body });
  }
  if (!format) return writeJson(res, 200, { echoed: body });
  const turn = script({ ...request, format });
  if (turn.error)
    return writeJson(
      res,
      turn.error.status,
      DIALECTS[format].errorBody(turn.error.status, turn.error.type, turn.error.message),
    );
  const encoded = encode(format, turn, request, body);
  if (format === 'gemini') {
    if (!request.path.includes(':streamGenerateContent')) return writeJson(res, 200, encoded.json);
    if (request.path.includes('alt=sse')) return writeEvents(res, encoded.events, pauseMs);
    return writeJson(
      res,
      200,
      encoded.events.map((e) => e.data),
    );
  }
  if (body.stream !== true) return writeJson(res, 200, encoded.json);
  return writeEvents(res, encoded.events, pauseMs);
}

export interface ScriptedModel {
  /** The base URL: point a client or the proxy's upstream here (`…/v1/…`, `…/v1beta/…` paths). */
  readonly url: string;
  /** Every request received, in order (WebSocket `response.create` messages included). */
  readonly received: ModelRequest[];
  /** Changes the script for the requests that follow. */
  play(script: ModelScript): void;
  close(): Promise<void>;
}

/**
 * A model on loopback that speaks all four APIs over HTTP, and Responses over a WebSocket too
 * (each `response.create` answered with the turn's events), deciding each turn by a script.
 *
 * @example
 * const model = await startScriptedModel(() => ({ text: 'hello' }))
 * const openai = new OpenAI({ baseURL: `${model.url}/v1`, apiKey: 'sk-test' })
 */
export async function startScriptedModel(script: ModelScript): Promise<ScriptedModel> {
  let current = script;
  const received: ModelRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const format = formatOfPath(new URL(path, 'http://model').pathname, 'suffix');
      const request: ModelRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body,
        ...(format ? { format } : {}),
      };
      received.push(request);
      void answerScripted(current, request, res);
    });
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) =>
    sockets.handleUpgrade(req, socket, head, (ws) =>
      ws.on('message', (data) => {
        const body = data.toString();
        const request: ModelRequest = {
          method: 'GET',
          path: req.url ?? '',
          headers: req.headers,
          body,
          format: 'responses',
          socket: true,
        };
        received.push(request);
        const parsed = JSON.parse(body) as Record<string, unknown>;
        for (const e of encode('responses', current(request), request, parsed).events) ws.send(JSON.stringify(e.data));
      }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    play(next) {
      current = next;
    },
    close: () =>
      new Promise((resolve) => {
        for (const c of sockets.clients) c.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
