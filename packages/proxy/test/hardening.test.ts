import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createMemoryStore } from '@headroom/ccr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProxy, serveProxy } from '../src/node.js';
import { json, type Received, startUpstream } from './fake-upstream.js';

/** A request with a large log as a tool result: compressible. */
const log = Array.from(
  { length: 600 },
  (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO worker ${i % 7} processed batch ${i}`,
).join('\n');
const body = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [
    { role: 'user', content: 'Did every batch finish?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'logs', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: log }] },
  ],
});
const anthropicHeaders = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': 'sk-test',
};

/** Sends raw bytes over a socket with Node's client, which adds nothing the test did not ask for. */
function send(
  url: string,
  path: string,
  headers: Record<string, string>,
  chunks: readonly Uint8Array[],
  options: { expectContinue?: boolean; paceMs?: number } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; written: number }> {
  let written = 0;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, written }));
    });
    req.on('error', reject);
    const write = async () => {
      for (const chunk of chunks) {
        if (req.destroyed || req.writableEnded) return;
        req.write(chunk);
        written++;
        if (options.paceMs) await new Promise((r) => setTimeout(r, options.paceMs));
      }
      req.end();
    };
    if (options.expectContinue) {
      // Headers go first, alone; the body only once the server said to continue (as curl does).
      req.on('continue', () => void write());
      req.flushHeaders();
    } else void write();
  });
}

let upstream: Awaited<ReturnType<typeof startUpstream>>;
let attacker: Awaited<ReturnType<typeof startUpstream>>;
let proxy: RunningProxy;
let behaviour: (req: Received, res: import('node:http').ServerResponse) => void | Promise<void>;
const ok = (_req: Received, res: import('node:http').ServerResponse) =>
  json(res, 200, { id: 'm', type: 'message', content: [{ type: 'text', text: 'ok' }] });

beforeAll(async () => {
  attacker = await startUpstream(ok);
  upstream = await startUpstream((req, res) => behaviour(req, res));
  proxy = await serveProxy({
    port: 0,
    upstreamAnthropic: upstream.url,
    upstreamOpenAI: upstream.url,
    maxBodyBytes: 1_000_000,
    upstreamIdleTimeoutMs: 1500,
    onWarning: () => {},
  });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await attacker.close();
});

describe('hostile input and misbehaving upstreams, over real sockets', () => {
  it('stops reading a chunked body at the limit and answers 413 at once, in the provider’s format', async () => {
    behaviour = ok;
    const before = upstream.received.length;
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    // 40 chunks of 64 KiB, 20 ms apart: the limit (1 MB) is passed at the 16th.
    const reply = await send(
      proxy.url,
      '/v1/messages',
      { ...anthropicHeaders, 'transfer-encoding': 'chunked' },
      Array.from({ length: 40 }, () => chunk),
      { paceMs: 20 },
    );
    expect(reply.status).toBe(413);
    expect(reply.written).toBeLessThan(40);
    expect(JSON.parse(reply.body)).toEqual({
      type: 'error',
      error: { type: 'request_too_large', message: 'request body exceeds 1000000 bytes' },
    });
    expect(upstream.received.length).toBe(before);
  });

  it('answers Expect: 100-continue and forwards the body', async () => {
    behaviour = ok;
    const reply = await send(
      proxy.url,
      '/v1/messages',
      { ...anthropicHeaders, expect: '100-continue', 'content-length': String(Buffer.byteLength(body)) },
      [Buffer.from(body)],
      { expectContinue: true },
    );
    expect(reply.status).toBe(200);
    expect(upstream.received.at(-1)?.headers.expect).toBeUndefined();
    expect(upstream.received.at(-1)?.body.length).toBeLessThan(body.length);
  });

  it('decodes gzip, deflate, br and zstd bodies, compresses them and sends them decoded', async () => {
    behaviour = ok;
    const zstd = readFileSync(new URL('./fixtures/request.json.zst', import.meta.url));
    expect(JSON.parse(new TextDecoder().decode(zstdFixtureSource()))).toBeTruthy();
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['br', brotliCompressSync(body)],
      ['zstd', zstd],
    ] as const) {
      const reply = await send(proxy.url, '/v1/messages', { ...anthropicHeaders, 'content-encoding': encoding }, [
        bytes,
      ]);
      expect(reply.status).toBe(200);
      const got = upstream.received.at(-1) as Received;
      expect(got.headers['content-encoding']).toBeUndefined();
      expect(got.body.length).toBeLessThan(body.length / 2);
      expect(JSON.parse(got.body).messages[0]).toEqual({ role: 'user', content: 'Did every batch finish?' });
    }
  });

  it('refuses a compression bomb with 413, and forwards a body it cannot decode as sent', async () => {
    behaviour = ok;
    const bomb = gzipSync(Buffer.alloc(20_000_000, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const refused = await send(proxy.url, '/v1/messages', { ...anthropicHeaders, 'content-encoding': 'gzip' }, [bomb]);
    expect(refused.status).toBe(413);
    const garbage = Buffer.from('not gzip at all');
    const forwarded = await send(proxy.url, '/v1/messages', { ...anthropicHeaders, 'content-encoding': 'gzip' }, [
      garbage,
    ]);
    expect(forwarded.status).toBe(200);
    expect(upstream.received.at(-1)?.headers['content-encoding']).toBe('gzip');
    expect(proxy.proxy.stats().passedThrough.undecodable).toBe(1);
  });

  it('ends the reply in the provider’s format when the upstream drops mid-body', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id":"m","content":[');
      setTimeout(() => res.destroy(), 20);
    };
    const reply = await send(proxy.url, '/v1/messages', anthropicHeaders, [Buffer.from(body)]);
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body)).toMatchObject({ type: 'error', error: { type: 'upstream_error' } });
  });

  it('gives up on an upstream silent past the idle timeout, and waits for one that answers within it', async () => {
    behaviour = (req, res) => {
      if (req.path.includes('slow')) setTimeout(() => ok(req, res), 3000);
      else setTimeout(() => ok(req, res), 1000);
    };
    const patient = await send(proxy.url, '/v1/messages', anthropicHeaders, [Buffer.from(body)]);
    expect(patient.status).toBe(200);
    const silent = await send(proxy.url, '/v1/messages/slow', anthropicHeaders, [Buffer.from('{}')]);
    expect(silent.status).toBe(502);
    expect(JSON.parse(silent.body).error.message).toMatch(/sent nothing for 2 s/);
  });

  it('never follows a redirect: the client gets it as it came, and nothing goes to the other host', async () => {
    behaviour = (_req, res) => {
      res.writeHead(307, { location: `${attacker.url}/v1/messages` });
      res.end();
    };
    const reply = await send(proxy.url, '/v1/messages', anthropicHeaders, [Buffer.from(body)]);
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe(`${attacker.url}/v1/messages`);
    expect(attacker.received).toEqual([]);
  });

  it('never follows a redirect on a retrieve round either: the conversation never leaves for another host', async () => {
    const store = createMemoryStore();
    const withStore = await serveProxy({ port: 0, upstreamAnthropic: upstream.url, store, onWarning: () => {} });
    try {
      let round = 0;
      behaviour = (req, res) => {
        round++;
        if (round === 1) {
          const key = /headroom:([0-9a-f]{24})/.exec(req.body)?.[1];
          return json(res, 200, {
            id: 'm',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'r1', name: 'headroom_retrieve', input: { key } }],
            stop_reason: 'tool_use',
          });
        }
        res.writeHead(307, { location: `${attacker.url}/v1/messages` });
        res.end();
      };
      const tools = [{ name: 'logs', input_schema: { type: 'object' } }];
      const reply = await send(withStore.url, '/v1/messages', anthropicHeaders, [
        Buffer.from(JSON.stringify({ ...JSON.parse(body), tools })),
      ]);
      expect(round).toBe(2);
      expect(reply.status).toBe(307);
      expect(attacker.received).toEqual([]);
    } finally {
      await withStore.close();
    }
  });

  it('bounds the bodies it holds at once: past the limit, 429 with retry-after in the provider’s format', async () => {
    behaviour = ok;
    const narrow = await serveProxy({
      port: 0,
      upstreamAnthropic: upstream.url,
      maxConcurrentBodies: 1,
      onWarning: () => {},
    });
    try {
      const half = Buffer.from(body.slice(0, 1000));
      const rest = Buffer.from(body.slice(1000));
      // The first request's body arrives slowly and holds the only place.
      const slow = send(narrow.url, '/v1/messages', anthropicHeaders, [half, rest, Buffer.alloc(0)], { paceMs: 400 });
      await new Promise((r) => setTimeout(r, 150));
      const turnedAway = await send(narrow.url, '/v1/messages', anthropicHeaders, [Buffer.from(body)]);
      expect(turnedAway.status).toBe(429);
      expect(turnedAway.headers['retry-after']).toBe('1');
      expect(JSON.parse(turnedAway.body).error.type).toBe('rate_limit_error');
      expect((await slow).status).toBe(200);
      expect((await send(narrow.url, '/v1/messages', anthropicHeaders, [Buffer.from(body)])).status).toBe(200);
    } finally {
      await narrow.close();
    }
  });

  it('ends a streamed reply with an error event when a retrieve round breaks off mid-stream', async () => {
    const withStore = await serveProxy({
      port: 0,
      upstreamAnthropic: upstream.url,
      store: createMemoryStore(),
      onWarning: () => {},
    });
    try {
      let round = 0;
      behaviour = (req, res) => {
        round++;
        const key = /headroom:([0-9a-f]{24})/.exec(req.body)?.[1];
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const event = (data: Record<string, unknown>) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
        res.write(
          event({
            type: 'message_start',
            message: { id: 'm', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 1 } },
          }),
        );
        if (round === 1) {
          res.write(
            event({
              type: 'content_block_start',
              index: 0,
              content_block: { type: 'tool_use', id: 'r1', name: 'headroom_retrieve', input: {} },
            }),
          );
          res.write(
            event({
              type: 'content_block_delta',
              index: 0,
              delta: { type: 'input_json_delta', partial_json: JSON.stringify({ key }) },
            }),
          );
          res.write(event({ type: 'content_block_stop', index: 0 }));
          res.write(event({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 1 } }));
          res.end(event({ type: 'message_stop' }));
          return;
        }
        res.write(event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
        setTimeout(() => res.destroy(), 20);
      };
      const tools = [{ name: 'logs', input_schema: { type: 'object' } }];
      const reply = await send(withStore.url, '/v1/messages', anthropicHeaders, [
        Buffer.from(JSON.stringify({ ...JSON.parse(body), tools, stream: true })),
      ]);
      expect(round).toBe(2);
      expect(reply.status).toBe(200);
      const last = reply.body.trim().split('\n\n').at(-1) ?? '';
      expect(last).toMatch(/^event: error\ndata: /);
      expect(JSON.parse(last.split('data: ')[1] as string)).toMatchObject({
        type: 'error',
        error: { type: 'api_error' },
      });
    } finally {
      await withStore.close();
    }
  });

  it('keeps answering while an 18 MB tool output is compressed, and compresses it', async () => {
    behaviour = ok;
    const roomy = await serveProxy({ port: 0, upstreamAnthropic: upstream.url, onWarning: () => {} });
    try {
      const lines = Array.from(
        { length: 350_000 },
        (_, i) =>
          `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z ${i % 5000 ? 'INFO' : 'ERROR'} shard ${i % 31} job ${i} done`,
      );
      const big = JSON.parse(body) as { messages: { content: unknown }[] };
      (big.messages[2] as { content: unknown }).content = [
        { type: 'tool_result', tool_use_id: 't1', content: lines.join('\n') },
      ];
      const text = JSON.stringify(big);
      expect(text.length).toBeGreaterThan(17_000_000);
      const order: string[] = [];
      const compressing = send(roomy.url, '/v1/messages', anthropicHeaders, [Buffer.from(text)]).then((r) => {
        order.push('big');
        return r;
      });
      await new Promise((r) => setTimeout(r, 300));
      const health = await fetch(`${roomy.url}/health`);
      order.push('health');
      expect(health.status).toBe(200);
      expect((await compressing).status).toBe(200);
      expect(order).toEqual(['health', 'big']);
      expect(upstream.received.at(-1)?.body.length).toBeLessThan(text.length / 10);
    } finally {
      await roomy.close();
    }
  });

  it('bounds the bytes it holds for all requests together, answering 429 past them', async () => {
    behaviour = ok;
    const tight = await serveProxy({
      port: 0,
      upstreamAnthropic: upstream.url,
      maxBufferedBytes: 40_000,
      onWarning: () => {},
    });
    try {
      const first = Buffer.from(body);
      // 30 kB arrive, then the rest after a pause: the first request holds most of the budget.
      const slow = send(
        tight.url,
        '/v1/messages',
        anthropicHeaders,
        [first.subarray(0, 30_000), first.subarray(30_000)],
        {
          paceMs: 400,
        },
      );
      await new Promise((r) => setTimeout(r, 150));
      const turnedAway = await send(tight.url, '/v1/messages', anthropicHeaders, [first]);
      expect(turnedAway.status).toBe(429);
      expect(turnedAway.headers['retry-after']).toBe('1');
      expect((await slow).status).toBe(200);
      expect(
        (await send(tight.url, '/v1/messages', anthropicHeaders, [Buffer.from('{"model":"m","messages":[]}')])).status,
      ).toBe(200);
    } finally {
      await tight.close();
    }
  });
});

/** The request the zstd fixture holds (written with `zstd -19`), for the record. */
function zstdFixtureSource(): Uint8Array {
  return readFileSync(new URL('./fixtures/request.json', import.meta.url));
}
