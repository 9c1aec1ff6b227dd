import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy } from '../src/proxy.js';
import { json, type Received, sse, startUpstream } from './fake-upstream.js';

/** A test run's output: long, repetitive, with the one line that matters in the middle. */
const buildLog = [
  ...Array.from(
    { length: 400 },
    (_, i) =>
      `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO test ${i} passed in ${i % 13}ms`,
  ),
  '2024-05-01T10:07:00Z ERROR test_checkout failed: expected 200, got 503 from payments-api',
  ...Array.from(
    { length: 400 },
    (_, i) => `2024-05-01T10:08:${String(i % 60).padStart(2, '0')}Z INFO test ${400 + i} passed in ${i % 11}ms`,
  ),
].join('\n');

function chatBody(extraTurns: { role: string; content: string }[] = []): string {
  // Serialised with `messages` last, the way SDKs send it, so a later turn's body extends this one.
  return JSON.stringify({
    model: 'gpt-4o',
    stream: false,
    messages: [
      { role: 'system', content: 'You are a CI assistant.' },
      { role: 'user', content: 'Why did the test run fail?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'run_tests', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: buildLog },
      ...extraTurns,
    ],
  });
}

let upstream: Awaited<ReturnType<typeof startUpstream>>;
const last = (): Received => upstream.received.at(-1) as Received;

beforeAll(async () => {
  upstream = await startUpstream(async (req, res) => {
    if (req.path.startsWith('/v1/fail'))
      return json(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    if (req.path === '/v1/models') return json(res, 200, { data: [{ id: 'gpt-4o' }] });
    const body = parseOr(req.body, {});
    if (body.stream) {
      return sse(res, [
        { event: 'message_start', data: { type: 'message_start', message: { id: 'm1', usage: { input_tokens: 10 } } } },
        {
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'The checkout ' } },
        },
        {
          event: 'content_block_delta',
          data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'test failed.' } },
        },
        { event: 'message_stop', data: { type: 'message_stop' } },
      ]);
    }
    return json(res, 200, {
      id: 'r1',
      choices: [{ message: { role: 'assistant', content: 'payments-api returned 503' } }],
      usage: { prompt_tokens: 900, prompt_tokens_details: { cached_tokens: 600 } },
    });
  });
});

afterAll(() => upstream.close());

const proxyFor = () => createProxy({ upstreamOpenAI: upstream.url, upstreamAnthropic: upstream.url });
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  new Request(`http://127.0.0.1:8787${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('proxy (in-process)', () => {
  it('compresses a chat request, keeps everything else, and relays the answer', async () => {
    const proxy = proxyFor();
    const response = await proxy.fetch(
      post('/v1/chat/completions', chatBody(), { authorization: 'Bearer sk-test', 'x-custom': 'kept' }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: 'payments-api returned 503' } }] });
    const sent = JSON.parse(last().body);
    const tool = sent.messages[3].content as string;
    expect(tool.length).toBeLessThan(buildLog.length / 3);
    expect(tool).toContain('2024-05-01T10:07:00Z ERROR test_checkout failed: expected 200, got 503 from payments-api');
    expect(sent.messages.slice(0, 3)).toEqual(JSON.parse(chatBody()).messages.slice(0, 3));
    expect(last().headers.authorization).toBe('Bearer sk-test');
    expect(last().headers['x-custom']).toBe('kept');
    expect(proxy.stats()).toMatchObject({ requests: 1, compressedRequests: 1, inputTokens: 900, cacheReadTokens: 600 });
    expect(proxy.stats().byTransform['log-crusher']?.segments).toBe(1);
  });

  it('forwards the client’s exact bytes when nothing is compressed, or when asked to bypass', async () => {
    const proxy = proxyFor();
    const small = '{ "model": "gpt-4o",  "messages": [ {"role": "user", "content": "hi"} ] }';
    await proxy.fetch(post('/v1/chat/completions', small));
    expect(last().body).toBe(small);
    await proxy.fetch(post('/v1/chat/completions', chatBody(), { 'x-headroom-bypass': '1' }));
    expect(last().body).toBe(chatBody());
    expect(last().headers['x-headroom-bypass']).toBeUndefined();
  });

  it('relays a stream event by event, without waiting for the end', async () => {
    const proxy = proxyFor();
    const body = JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const started = performance.now();
    const response = await proxy.fetch(
      post('/v1/messages', body, { 'anthropic-version': '2023-06-01', 'x-api-key': 'k' }),
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = performance.now() - started;
    let text = new TextDecoder().decode(first.value);
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    const total = performance.now() - started;
    expect(text.match(/^event: /gm)).toHaveLength(4);
    expect(text).toContain('"text":"test failed."');
    expect(firstAt).toBeLessThan(total - 60); // the first event arrived well before the last
  });

  it('passes other paths through to the right upstream, keeping status and body of upstream errors', async () => {
    const proxy = proxyFor();
    const models = await proxy.fetch(
      new Request('http://127.0.0.1:8787/v1/models', { headers: { authorization: 'Bearer sk' } }),
    );
    expect(await models.json()).toEqual({ data: [{ id: 'gpt-4o' }] });
    const failed = await proxy.fetch(post('/v1/fail', '{}', { 'anthropic-version': '2023-06-01' }));
    expect(failed.status).toBe(529);
    expect(await failed.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('forwards what it cannot read untouched, counts it by reason and warns once per reason', async () => {
    const warnings: string[] = [];
    const proxy = createProxy({
      upstreamOpenAI: upstream.url,
      upstreamAnthropic: upstream.url,
      onWarning: (m) => warnings.push(m),
    });
    const sent = ['{"messages": [', '{"messages": [', '{"model":"m","messages":{}}', '{"model":"m","messages":[]}'];
    for (const body of sent) {
      await proxy.fetch(post('/v1/messages', body, { 'anthropic-version': '2023-06-01' }));
      expect(last().body).toBe(body);
    }
    await proxy.fetch(post('/v1/chat/completions', chatBody(), { 'x-headroom-bypass': '1' }));
    expect(last().body).toBe(chatBody());
    expect(proxy.stats().passedThrough).toEqual({ 'not-json': 2, 'not-a-request': 1, bypass: 1 });
    expect(warnings).toEqual([
      'a request body that is not JSON was forwarded uncompressed; further ones are counted in /stats',
      "a request without its format's essentials was forwarded uncompressed (messages must be an array in an Anthropic Messages request); further ones are counted in /stats",
    ]);
  });

  it('compresses a request as Claude Code sends it, mid-conversation system message and all', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../core/test/fixtures/agents/claude.json', import.meta.url), 'utf8'),
    ) as { requests: { headers: Record<string, string>; body: { messages: Record<string, unknown>[] } }[] };
    const { headers, body } = fixture.requests.at(-1) as (typeof fixture.requests)[number];
    expect(body.messages.some((m) => m.role === 'system')).toBe(true);
    // The captured tool results hold placeholder text; a real build log takes their place.
    const text = JSON.stringify(body, (key, value) =>
      key === 'content' && typeof value === 'string' && value.startsWith('lorem') ? buildLog : value,
    );
    const proxy = proxyFor();
    const response = await proxy.fetch(
      post('/v1/messages?beta=true', text, { 'anthropic-beta': headers['anthropic-beta'] as string }),
    );
    expect(response.status).toBe(200);
    expect(last().body.length).toBeLessThan(text.length * 0.6);
    const sent = JSON.parse(last().body) as typeof body;
    expect(sent.messages.map((m) => m.role)).toEqual(body.messages.map((m) => m.role));
    expect(proxy.stats().passedThrough).toEqual({});
    expect(proxy.stats().compressedRequests).toBe(1);
  });

  it('answers oversized bodies with 413, in the provider’s error format', async () => {
    const proxy = createProxy({ upstreamOpenAI: upstream.url, upstreamAnthropic: upstream.url, maxBodyBytes: 1000 });
    const big = await proxy.fetch(post('/v1/chat/completions', chatBody()));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      error: { message: 'request body exceeds 1000 bytes', type: 'request_too_large', param: null, code: null },
    });
  });

  it('answers 502 in the provider’s format when the upstream cannot be reached', async () => {
    const proxy = createProxy({ upstreamOpenAI: 'http://127.0.0.1:9' });
    const response = await proxy.fetch(post('/v1/chat/completions', '{"model":"x","messages":[]}'));
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('upstream_unreachable');
  });

  it('serves /health, and /stats only to this machine', async () => {
    const proxy = proxyFor();
    expect(await (await proxy.fetch(new Request('http://127.0.0.1:8787/health'))).json()).toEqual({ status: 'ok' });
    const local = await proxy.fetch(
      new Request('http://127.0.0.1:8787/stats', { headers: { host: '127.0.0.1:8787' } }),
    );
    expect(Object.keys((await local.json()) as object)).toEqual(
      expect.arrayContaining([
        'requests',
        'tokensBefore',
        'tokensAfter',
        'byTransform',
        'cacheReadTokens',
        'cacheWriteTokens',
      ]),
    );
    const rebound = await proxy.fetch(new Request('http://evil.example/stats', { headers: { host: 'evil.example' } }));
    expect(rebound.status).toBe(403);
    const fromPage = await proxy.fetch(
      new Request('http://127.0.0.1:8787/stats', {
        headers: { host: '127.0.0.1:8787', origin: 'http://evil.example' },
      }),
    );
    expect(fromPage.status).toBe(403);
  });
});

describe('streams', () => {
  it('reads usage from the events as they pass', async () => {
    const proxy = proxyFor();
    const body = JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const response = await proxy.fetch(post('/v1/messages', body, { 'anthropic-version': '2023-06-01' }));
    await response.text();
    expect(proxy.stats().inputTokens).toBe(10);
  });

  it('stops the upstream request when the client goes away', async () => {
    const { serveProxy } = await import('../src/node.js');
    let cutShort: (() => void) | undefined;
    const upstreamCut = new Promise<void>((resolve) => {
      cutShort = resolve;
    });
    let started: (() => void) | undefined;
    const streaming = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = await startUpstream(async (_req, res) => {
      // Two seconds of events, unless the proxy hangs up first.
      res.on('close', () => {
        if (!res.writableEnded) cutShort?.();
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      started?.();
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        res.write(`data: {"i":${i}}\n\n`);
        await new Promise((r) => setTimeout(r, 20));
      }
      if (!res.destroyed) res.end();
    });
    const running = await serveProxy({ port: 0, upstreamAnthropic: slow.url });
    const controller = new AbortController();
    const response = await fetch(`${running.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', max_tokens: 1, stream: true, messages: [{ role: 'user', content: 'x' }] }),
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      signal: controller.signal,
    });
    await (response.body as ReadableStream<Uint8Array>).getReader().read();
    await streaming;
    controller.abort();
    const outcome = await Promise.race([
      upstreamCut.then(() => 'upstream cut short'),
      new Promise((r) => setTimeout(() => r('still streaming'), 1500)),
    ]);
    await running.close();
    await slow.close();
    expect(outcome).toBe('upstream cut short');
  });
});

describe('admin token', () => {
  it('guards /stats and /dashboard when set', async () => {
    const proxy = createProxy({ upstreamOpenAI: upstream.url, adminToken: 'secret-token' });
    const get = (path: string, headers: Record<string, string> = {}) =>
      proxy.fetch(new Request(`http://127.0.0.1:8787${path}`, { headers: { host: '127.0.0.1:8787', ...headers } }));
    expect((await get('/stats')).status).toBe(401);
    expect((await get('/stats', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await get('/stats', { authorization: 'Bearer secret-token' })).status).toBe(200);
    expect((await get('/dashboard?token=secret-token')).status).toBe(200);
    expect((await get('/dashboard')).status).toBe(401);
  });

  it('is generated when the proxy is bound beyond loopback', async () => {
    const { serveProxy } = await import('../src/node.js');
    const running = await serveProxy({ host: '0.0.0.0', port: 0, upstreamOpenAI: upstream.url });
    expect(running.adminToken).toMatch(/^[0-9a-f-]{36}$/);
    const port = new URL(running.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/stats`)).status).toBe(401);
    expect(
      (await fetch(`http://127.0.0.1:${port}/stats`, { headers: { authorization: `Bearer ${running.adminToken}` } }))
        .status,
    ).toBe(200);
    await running.close();
  });
});

function parseOr(text: string, fallback: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fallback;
  }
}
