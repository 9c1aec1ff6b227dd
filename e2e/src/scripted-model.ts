import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { readConversation } from './conversation.js';
import { decide, type PlanStep } from './script.js';
import { anthropicEvents, chatEvents, geminiEvents, responsesEvents, sseText, type WireEvent } from './wire.js';

export type Format = 'anthropic' | 'openai' | 'responses' | 'gemini';

/** One request as the model received it. */
export interface ModelRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly format: Format | undefined;
  readonly transport: 'http' | 'websocket';
  /** A turn of the conversation (it offers tools), not a title, probe or token count. */
  readonly main: boolean;
  /** `performance.now()` when the whole request had arrived and when the answer's head went out. */
  readonly arrived: number;
  readonly answered: number;
}

export interface ScriptedModel {
  readonly url: string;
  readonly received: ModelRequest[];
  /** The plan the next conversations follow. */
  plan: readonly PlanStep[];
  /** WebSocket upgrades on the Responses path: accepted (default) or refused with this status. */
  refuseWebSocket: number | undefined;
  close(): Promise<void>;
}

const MODEL_IDS = ['claude-sonnet-4-5', 'gpt-5.1-codex', 'gpt-4.1', 'e2e-model'];

/**
 * A fake model on loopback that speaks each provider's wire format, streaming as real providers
 * do (Anthropic Messages, OpenAI Chat Completions and Responses over SSE, Responses over a
 * WebSocket), and follows a scripted conversation (see `decide`). It records every request.
 */
export async function startScriptedModel(): Promise<ScriptedModel> {
  const received: ModelRequest[] = [];
  const state: { plan: readonly PlanStep[]; refuseWebSocket: number | undefined } = {
    plan: [],
    refuseWebSocket: undefined,
  };

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const arrived = performance.now();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const format = formatOf(path);
    const record = (main: boolean) =>
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        format,
        transport: 'http',
        main,
        arrived,
        answered: performance.now(),
      });
    if (req.method === 'HEAD' || (req.method === 'GET' && path === '/')) {
      res.writeHead(200).end();
      return record(false);
    }
    if (req.method === 'GET' && path.endsWith('/models')) {
      json(res, 200, {
        object: 'list',
        data: MODEL_IDS.map((id) => ({ id, object: 'model', type: 'model', display_name: id, created: 1 })),
      });
      return record(false);
    }
    if (path.endsWith(':countTokens')) {
      json(res, 200, { totalTokens: Math.ceil(body.length / 4) });
      return record(false);
    }
    if (path.endsWith('/count_tokens')) {
      json(res, 200, { input_tokens: Math.ceil(body.length / 4) });
      return record(false);
    }
    if (!format || req.method !== 'POST') {
      json(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
      return record(false);
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      json(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      return record(false);
    }
    const conversation = readConversation(format, parsed);
    const schema = jsonModeSchema(parsed);
    const action = schema
      ? { kind: 'text' as const, text: JSON.stringify(valueFor(schema)) }
      : decide(conversation, state.plan);
    const events = turnEvents(format, { model: modelOfPath(path), ...parsed }, action, body.length);
    if (parsed.stream === true || path.endsWith(':streamGenerateContent')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      record(conversation.tools.length > 0);
      for (const event of events) {
        res.write(sseText([event]));
        await new Promise((r) => setTimeout(r, 2));
      }
      res.end();
    } else {
      json(res, 200, finalObject(format, events));
      record(conversation.tools.length > 0);
    }
  });

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (formatOf(path) !== 'responses' || state.refuseWebSocket) {
      const status = state.refuseWebSocket ?? 404;
      socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`);
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      // Over a WebSocket a client sends only what is new since a response it names; the model
      // keeps each response's whole conversation (input and output) to read the rest from.
      const history = new Map<string, unknown[]>();
      ws.on('message', (data) => {
        const arrived = performance.now();
        const text = data.toString();
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          ws.send(JSON.stringify({ type: 'error', error: { message: 'not JSON' } }));
          return;
        }
        const previous =
          typeof parsed.previous_response_id === 'string' ? history.get(parsed.previous_response_id) : [];
        const input = [...(previous ?? []), ...(Array.isArray(parsed.input) ? parsed.input : [])];
        const whole = { ...parsed, input };
        const conversation = readConversation('responses', whole);
        received.push({
          method: 'WS',
          path: req.url ?? '',
          headers: req.headers,
          body: text,
          format: 'responses',
          transport: 'websocket',
          main: conversation.tools.length > 0 && parsed.generate !== false,
          arrived,
          answered: performance.now(),
        });
        // A warm-up (`generate: false`) gets an empty response.
        const action = parsed.generate === false ? undefined : decide(conversation, state.plan);
        const events = action
          ? turnEvents('responses', whole, action, text.length)
          : responsesEvents({ kind: 'text', text: '' }, String(parsed.model), 0).filter(
              (e) => (e.data as { type: string }).type === 'response.created',
            );
        const created = (events[0] as { data: { response: { id: string } } }).data.response;
        if (!action)
          events.push({
            data: { type: 'response.completed', response: { ...created, status: 'completed', output: [] } },
          });
        const completed = events
          .map((e) => e.data as Record<string, unknown>)
          .find((d) => d.type === 'response.completed');
        const output = ((completed?.response as { output?: unknown[] } | undefined)?.output ?? []) as unknown[];
        history.set(created.id, [...input, ...output]);
        for (const event of events) ws.send(JSON.stringify(event.data));
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    get plan() {
      return state.plan;
    },
    set plan(plan) {
      state.plan = plan;
    },
    get refuseWebSocket() {
      return state.refuseWebSocket;
    },
    set refuseWebSocket(status) {
      state.refuseWebSocket = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The schema a Gemini request in JSON mode asks its answer to follow (Gemini CLI's routing classifier). */
function jsonModeSchema(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const config = body.generationConfig as Record<string, unknown> | undefined;
  if (config?.responseMimeType !== 'application/json') return undefined;
  const schema = config.responseJsonSchema ?? config.responseSchema;
  return typeof schema === 'object' && schema !== null ? (schema as Record<string, unknown>) : {};
}

/** A value of a JSON schema's shape: every property present, the first enum value, the lowest number. */
function valueFor(schema: Record<string, unknown>): unknown {
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const type = String(schema.type ?? 'object').toLowerCase();
  if (type === 'string') return 'e2e';
  if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 1;
  if (type === 'boolean') return false;
  if (type === 'array') return [];
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, valueFor(v)]));
}

/** Gemini names the model in the path. */
function modelOfPath(path: string): string | undefined {
  return /\/models\/([^/:]+):/.exec(path)?.[1];
}

function formatOf(path: string): Format | undefined {
  if (/\/models\/[^/:]+:(generateContent|streamGenerateContent)$/.test(path)) return 'gemini';
  if (path.endsWith('/messages')) return 'anthropic';
  if (path.endsWith('/chat/completions')) return 'openai';
  if (path.endsWith('/responses')) return 'responses';
  return undefined;
}

function turnEvents(
  format: Format,
  body: Record<string, unknown>,
  action: ReturnType<typeof decide>,
  bytes: number,
): WireEvent[] {
  const model = typeof body.model === 'string' ? body.model : 'e2e-model';
  const inputTokens = Math.ceil(bytes / 4);
  if (format === 'anthropic') return anthropicEvents(action, model, inputTokens);
  if (format === 'gemini') return geminiEvents(action, model, inputTokens);
  if (format === 'openai') {
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    return chatEvents(action, model, inputTokens, options?.include_usage === true);
  }
  return responsesEvents(action, model, inputTokens);
}

/** The non-streaming reply: the message or response the stream's last events describe. */
function finalObject(format: Format, events: WireEvent[]): unknown {
  const data = events.map((e) => e.data as Record<string, unknown>);
  if (format === 'gemini') {
    // One response: every chunk's parts, the last chunk's finish reason and usage.
    const candidates = data.map((d) => (d.candidates as { content: { parts: object[] } }[])[0]);
    const last = data.at(-1) as Record<string, unknown>;
    const parts = candidates.flatMap((c) => c?.content.parts ?? []);
    const finishing = (last.candidates as object[])[0];
    return { ...last, candidates: [{ ...finishing, content: { role: 'model', parts } }] };
  }
  if (format === 'responses') return data.find((d) => d.type === 'response.completed')?.response;
  if (format === 'anthropic') {
    const start = data[0]?.message as Record<string, unknown>;
    const block = data[1]?.content_block as Record<string, unknown>;
    const delta = data[2]?.delta as Record<string, unknown>;
    const content =
      block.type === 'text'
        ? [{ type: 'text', text: delta.text }]
        : [{ ...block, input: JSON.parse(String(delta.partial_json)) }];
    return { ...start, content, stop_reason: block.type === 'text' ? 'end_turn' : 'tool_use' };
  }
  const chunks = data.filter((d) => Array.isArray(d.choices) && (d.choices as unknown[]).length);
  const deltas = chunks.map((c) => (c.choices as { delta: Record<string, unknown> }[])[0]?.delta ?? {});
  const calls = deltas.flatMap((d) => (Array.isArray(d.tool_calls) ? d.tool_calls : [])) as {
    id?: string;
    function: { name?: string; arguments: string };
  }[];
  const content = deltas.map((d) => (typeof d.content === 'string' ? d.content : '')).join('');
  return {
    ...chunks[0],
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        finish_reason: calls.length ? 'tool_calls' : 'stop',
        message: calls.length
          ? {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: calls[0]?.id,
                  type: 'function',
                  function: {
                    name: calls[0]?.function.name,
                    arguments: calls.map((c) => c.function.arguments).join(''),
                  },
                },
              ],
            }
          : { role: 'assistant', content },
      },
    ],
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
