// Node-only: the Responses API over a WebSocket (Codex's default transport).
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { eventJson, readSse } from '@headroom/core';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { HeadroomProxy } from './proxy.js';

/** Handshake headers that belong to one hop, or to the WebSocket library on each side. */
const HANDSHAKE_HOP = new Set([
  'host',
  'connection',
  'upgrade',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-accept',
  'x-headroom-bypass',
  'x-headroom-session',
]);
/** Events after which the upstream says no more about a turn. */
const TURN_ENDS = new Set([
  'response.completed',
  'response.failed',
  'response.incomplete',
  'response.cancelled',
  'error',
]);

/**
 * Serves WebSocket upgrades on the Responses paths: the proxy opens its own socket to the
 * upstream with the client's headers and, only once the upstream has accepted, accepts the
 * client's; an upstream that refuses is answered with the same status, headers and body, so the
 * client falls back exactly as it would direct. Each `response.create` is compressed as its HTTP
 * form would be (same first sights, same retrieve rounds, answered on the same upstream socket);
 * everything else is relayed both ways untouched.
 */
export function serveWebSockets(server: Server, proxy: HeadroomProxy): { close(): void } {
  const sockets = new WebSocketServer({ noServer: true });
  const acceptHeaders = new WeakMap<IncomingMessage, string[]>();
  sockets.on('headers', (headers, req) => headers.push(...(acceptHeaders.get(req) ?? [])));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const target = proxy.webSocketUpstream(url.pathname);
    if (!target) return refuse(socket, 404, 'not a WebSocket endpoint of this proxy');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HANDSHAKE_HOP.has(name))
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const upstream = new WebSocket(`${target.replace(/^http/, 'ws')}${url.search}`, {
      headers,
      perMessageDeflate: false,
    });
    // Exactly one of these settles the client's upgrade.
    let settled = false;
    const once =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (settled) return;
        settled = true;
        fn(...args);
      };
    socket.on('error', () => upstream.terminate());
    upstream.once(
      'unexpected-response',
      once((request, response) => {
        relayRefusal(socket, response);
        response.once('end', () => request.destroy());
      }),
    );
    upstream.once('upgrade', (response) => {
      acceptHeaders.set(req, handshakeHeaders(response));
    });
    upstream.on(
      'error',
      once((error: Error) => refuse(socket, 502, `the upstream could not be reached: ${error.message}`)),
    );
    upstream.once(
      'open',
      once(() => {
        sockets.handleUpgrade(req, socket, head, (client) => bridge(client, upstream, proxy, url.pathname, req));
      }),
    );
  });
  return {
    close: () => {
      for (const client of sockets.clients) client.terminate();
    },
  };
}

function bridge(
  client: WebSocket,
  upstream: WebSocket,
  proxy: HeadroomProxy,
  path: string,
  req: IncomingMessage,
): void {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  /** The turn under way: upstream messages go to it until its last event. */
  let turn: ReadableStreamDefaultController<Uint8Array> | undefined;
  let queue = Promise.resolve();
  const encoder = new TextEncoder();

  /** Sends one request over the upstream socket and gives its events back as a server-sent-event stream. */
  const send = (body: string): Promise<Response> => {
    const events = new ReadableStream<Uint8Array>({
      start: (controller) => {
        turn = controller;
      },
    });
    upstream.send(body);
    return Promise.resolve(new Response(events, { status: 200, headers: { 'content-type': 'text/event-stream' } }));
  };

  upstream.on('message', (data: RawData, binary: boolean) => {
    if (!turn || binary) return client.send(data, { binary });
    const text = data.toString();
    turn.enqueue(
      encoder.encode(
        `${text
          .split('\n')
          .map((line) => `data: ${line}`)
          .join('\n')}\n\n`,
      ),
    );
    if (TURN_ENDS.has(String(safeType(text)))) {
      turn.close();
      turn = undefined;
    }
  });

  client.on('message', (data: RawData, binary: boolean) => {
    const text = binary ? undefined : data.toString();
    queue = queue.then(async () => {
      if (text === undefined || safeType(text) !== 'response.create') return upstream.send(data, { binary });
      const reply = await proxy.webSocketTurn(text, path, headers, send);
      if (!reply.body) return;
      for await (const event of readSse(reply.body)) {
        if (event.data !== undefined && eventJson(event)) client.send(event.data);
      }
    });
    queue = queue.catch(() => {
      // A turn that failed has already ended its stream with an error event; the next one goes on.
    });
  });

  client.on('close', (code) => upstream.close(closable(code)));
  upstream.on('close', (code) => {
    turn?.error(new Error('the upstream closed its WebSocket mid-turn'));
    turn = undefined;
    client.close(closable(code));
  });
  client.on('error', () => upstream.terminate());
  upstream.on('error', () => client.terminate());
}

function safeType(text: string): unknown {
  try {
    return (JSON.parse(text) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}

/** Close codes that may be sent in a close frame (1005 and 1006 only describe what happened). */
function closable(code: number): number {
  return code === 1005 || code === 1006 ? 1000 : code;
}

/** The upstream's 101 headers the client should see too (model, routing state), not the handshake's own. */
function handshakeHeaders(response: IncomingMessage): string[] {
  const lines: string[] = [];
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    const name = response.rawHeaders[i] as string;
    if (!HANDSHAKE_HOP.has(name.toLowerCase())) lines.push(`${name}: ${response.rawHeaders[i + 1]}`);
  }
  return lines;
}

/** Passes the upstream's refusal of the upgrade back as it came: status, headers and body. */
function relayRefusal(socket: Duplex, response: IncomingMessage): void {
  const chunks: Buffer[] = [];
  response.on('data', (c: Buffer) => chunks.push(c));
  response.on('end', () => {
    const body = Buffer.concat(chunks);
    const lines = [`HTTP/1.1 ${response.statusCode ?? 502} ${response.statusMessage ?? ''}`];
    for (let i = 0; i < response.rawHeaders.length; i += 2) {
      const name = (response.rawHeaders[i] as string).toLowerCase();
      if (!['connection', 'transfer-encoding', 'content-length', 'keep-alive'].includes(name))
        lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
    }
    lines.push(`content-length: ${body.length}`, 'connection: close');
    socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]));
  });
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: { message, type: 'upstream_unreachable', param: null, code: null } });
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Bad Gateway'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
