import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** One request as the agent sent it. */
export interface AgentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly transport: 'http' | 'websocket';
  /** `performance.now()` when it went on to the proxy, and when the first of the answer came back. */
  readonly sent: number;
  firstByte: number;
}

export interface Relay {
  readonly url: string;
  readonly sent: AgentRequest[];
  close(): Promise<void>;
}

const HOP = new Set(['connection', 'upgrade', 'keep-alive', 'transfer-encoding', 'host']);
const WS_HANDSHAKE = /^sec-websocket-(key|version|extensions|accept)$/;

/**
 * A transparent relay between an agent and the proxy that records what the agent sent, so a
 * test can compare it, field by field, with what reached the model. HTTP bodies are relayed
 * whole; WebSocket messages one by one (the proxy's refusal of an upgrade is passed back as is).
 */
export async function startRelay(target: string): Promise<Relay> {
  const sent: AgentRequest[] = [];
  const base = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: AgentRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: body.toString('utf8'),
        transport: 'http',
        sent: performance.now(),
        firstByte: 0,
      };
      sent.push(entry);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP.has(k)));
      const upstream = httpRequest(
        { host: base.hostname, port: base.port, method: req.method, path: req.url, headers },
        (answer) => {
          entry.firstByte = performance.now();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });

  const sockets = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !HOP.has(k) && !WS_HANDSHAKE.test(k)),
    ) as Record<string, string>;
    const onward = new WebSocket(`ws://${base.host}${req.url ?? '/'}`, { headers, perMessageDeflate: false });
    onward.once('unexpected-response', (_r, response) => {
      const status = response.statusCode ?? 502;
      socket.end(`HTTP/1.1 ${status} ${response.statusMessage ?? ''}\r\ncontent-length: 0\r\n\r\n`);
    });
    onward.once('error', () => socket.destroy());
    onward.once('open', () => {
      sockets.handleUpgrade(req, socket, head, (client) => {
        let pending: AgentRequest | undefined;
        client.on('message', (data, binary) => {
          pending = {
            method: 'WS',
            path: req.url ?? '',
            headers: req.headers,
            body: data.toString(),
            transport: 'websocket',
            sent: performance.now(),
            firstByte: 0,
          };
          sent.push(pending);
          onward.send(data, { binary });
        });
        onward.on('message', (data, binary) => {
          if (pending && !pending.firstByte) pending.firstByte = performance.now();
          client.send(data, { binary });
        });
        client.on('close', () => onward.close());
        onward.on('close', (code) => client.close(code === 1005 ? 1000 : code));
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
