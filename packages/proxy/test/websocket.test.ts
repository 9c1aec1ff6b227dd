import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore } from '@headroom/ccr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { deployLog } from './fake-model.js';

/** A Responses upstream over WebSocket: records each message; answers with a text turn, or calls headroom_retrieve once. */
async function startSocketUpstream(): Promise<{
  url: string;
  messages: Record<string, unknown>[];
  handshakes: IncomingHttpHeaders[];
  refuse: { status?: number };
  close(): Promise<void>;
}> {
  const messages: Record<string, unknown>[] = [];
  const handshakes: IncomingHttpHeaders[] = [];
  const refuse: { status?: number } = {};
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const sockets = new WebSocketServer({ noServer: true });
  sockets.on('headers', (headers) => headers.push('x-upstream-state: abc'));
  server.on('upgrade', (req, socket, head) => {
    handshakes.push(req.headers);
    if (refuse.status) {
      socket.end(
        `HTTP/1.1 ${refuse.status} Upgrade Required\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"no":"ws"}`,
      );
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) =>
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        messages.push(message);
        const input = message.input as Record<string, unknown>[];
        const key = /headroom:([0-9a-f]{24})/.exec(JSON.stringify(input))?.[1];
        const answered = input.some((i) => i.type === 'function_call_output' && i.call_id === 'r1');
        const item =
          key && !answered
            ? {
                type: 'function_call',
                id: 'fc',
                call_id: 'r1',
                name: 'headroom_retrieve',
                arguments: JSON.stringify({ key }),
                status: 'completed',
              }
            : {
                type: 'message',
                id: 'm',
                role: 'assistant',
                status: 'completed',
                content: [{ type: 'output_text', text: 'done', annotations: [] }],
              };
        const id = `resp_${messages.length}`;
        let n = 0;
        const send = (type: string, extra: Record<string, unknown>) =>
          ws.send(JSON.stringify({ type, sequence_number: n++, ...extra }));
        send('response.created', { response: { id, status: 'in_progress', output: [] } });
        send('response.output_item.added', { output_index: 0, item });
        send('response.output_item.done', { output_index: 0, item });
        send('response.completed', {
          response: { id, status: 'completed', output: [item], usage: { input_tokens: 5 } },
        });
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    handshakes,
    refuse,
    close: () =>
      new Promise((resolve) => {
        for (const c of sockets.clients) c.terminate();
        server.close(() => resolve());
      }),
  };
}

let upstream: Awaited<ReturnType<typeof startSocketUpstream>>;
let proxy: RunningProxy;
beforeAll(async () => {
  upstream = await startSocketUpstream();
  proxy = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, store: createMemoryStore() });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

function connect(
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; upgradeHeaders: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${proxy.url.replace('http', 'ws')}/v1/responses`, { headers });
    ws.once('upgrade', (response) => ws.once('open', () => resolve({ ws, upgradeHeaders: response.headers })));
    ws.once('unexpected-response', (_req, response) => {
      let body = '';
      response.on('data', (c: Buffer) => {
        body += c.toString();
      });
      response.on('end', () => reject(Object.assign(new Error('refused'), { status: response.statusCode, body })));
    });
    ws.once('error', reject);
  });
}

/** Sends one message and collects the events until the turn completes. */
function turn(ws: WebSocket, message: unknown): Promise<Record<string, unknown>[]> {
  return new Promise((resolve) => {
    const events: Record<string, unknown>[] = [];
    const seen = (data: Buffer) => {
      const event = JSON.parse(data.toString()) as Record<string, unknown>;
      events.push(event);
      if (event.type === 'response.completed') {
        ws.off('message', seen);
        resolve(events);
      }
    };
    ws.on('message', seen);
    ws.send(JSON.stringify(message));
  });
}

describe('Responses over WebSocket', () => {
  it('compresses each response.create, answers headroom_retrieve on the same socket, and relays the rest', async () => {
    const { ws, upgradeHeaders } = await connect({
      'openai-beta': 'responses_websockets=2026-02-06',
      authorization: 'Bearer sk-x',
    });
    expect(upgradeHeaders['x-upstream-state']).toBe('abc');
    expect(upstream.handshakes.at(-1)).toMatchObject({
      'openai-beta': 'responses_websockets=2026-02-06',
      authorization: 'Bearer sk-x',
    });
    const events = await turn(ws, {
      type: 'response.create',
      model: 'gpt-5',
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }],
      input: [
        { role: 'user', content: 'Is the rollout healthy?' },
        { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: deployLog },
      ],
    });
    const [first, second] = upstream.messages.slice(-2) as [Record<string, unknown>, Record<string, unknown>];
    expect(JSON.stringify(first).length).toBeLessThan(deployLog.length / 2);
    expect((first.tools as { name: string }[]).map((t) => t.name)).toEqual(['shell', 'headroom_retrieve']);
    // The retrieve round went on the same socket; the client saw one response and no retrieve call.
    expect((second.input as { type?: string }[]).map((i) => i.type ?? 'message')).toEqual([
      'message',
      'function_call',
      'function_call_output',
      'function_call',
      'function_call_output',
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(JSON.stringify(events)).not.toContain('headroom_retrieve');
    expect(proxy.proxy.stats().retrieveRounds).toBe(1);
    ws.close();
  });

  it('refuses the client’s upgrade the way the upstream refused its own, so the client falls back', async () => {
    upstream.refuse.status = 426;
    try {
      await expect(connect()).rejects.toMatchObject({ status: 426, body: '{"no":"ws"}' });
    } finally {
      delete upstream.refuse.status;
    }
  });
});
