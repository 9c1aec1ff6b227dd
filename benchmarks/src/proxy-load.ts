import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveProxy } from '@headroom/proxy/node';
import { round, summarize } from './corpus.js';

/** A fake provider on loopback with fault modes chosen by path. */
export async function fakeUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      if (path.includes('/status/500'))
        return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
      if (path.includes('/status/529'))
        return void res
          .writeHead(529, { 'content-type': 'application/json' })
          .end('{"type":"error","error":{"type":"overloaded_error"}}');
      if (path.includes('/hang')) return; // never answers: the client gives up
      if (path.includes('/reset')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {"first":true}\n\n');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"r","choices":[{"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":10}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** `run` changes the output's job numbers, so requests with different runs share no first sight. */
export function chatBody(toolOutputLines: number, run = 0): string {
  const tool = Array.from(
    { length: toolOutputLines },
    (_, i) =>
      `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO worker ${i % 9} handled job ${run * 100_000 + i} in ${(i + run) % 97}ms status=ok`,
  );
  if (toolOutputLines)
    tool.splice(Math.floor(toolOutputLines / 2), 0, '2024-05-01T11:00:00Z ERROR job 4242 failed: deadline exceeded');
  return JSON.stringify({
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'What failed?' },
      ...(toolOutputLines
        ? [
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c', type: 'function', function: { name: 'logs', arguments: '{}' } }],
            },
            { role: 'tool', tool_call_id: 'c', content: tool.join('\n') },
          ]
        : []),
    ],
  });
}

export async function timedRequests(
  url: string,
  body: string | ((i: number) => string),
  count: number,
  concurrency: number,
): Promise<{ ms: number[]; wallMs: number; statuses: Record<number, number> }> {
  const ms: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const payload = typeof body === 'string' ? body : body(i);
        const t = performance.now();
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json' },
        });
        await response.arrayBuffer();
        ms.push(performance.now() - t);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    }),
  );
  return { ms, wallMs: performance.now() - started, statuses };
}

/** Proxy throughput, added latency, memory and faults on loopback; bounded and self-stopping. */
export async function runProxyLoadBenchmark() {
  const upstream = await fakeUpstream();
  const running = await serveProxy({ port: 0, upstreamOpenAI: upstream.url, upstreamAnthropic: upstream.url });
  try {
    const small = chatBody(0);
    await timedRequests(running.url, small, 200, 8); // warm-up
    const direct = await timedRequests(upstream.url, small, 2000, 16);
    const proxied = await timedRequests(running.url, small, 2000, 16);

    const sized = [];
    for (const [label, lines] of [
      ['10k-token tool output', 420],
      ['100k-token tool output', 4200],
    ] as const) {
      // Every request carries a different output, so each one is compressed cold.
      const body = (i: number) => chatBody(lines, i + 1);
      const before = running.proxy.stats();
      const viaDirect = await timedRequests(upstream.url, body, 60, 1);
      const viaProxy = await timedRequests(running.url, body, 60, 1);
      const after = running.proxy.stats();
      const compressionMs = (after.compressionMs - before.compressionMs) / 60;
      const added = viaProxy.ms.map((m, i) => m - (viaDirect.ms[i] ?? 0));
      sized.push({
        label,
        tokensBefore: Math.round((after.tokensBefore - before.tokensBefore) / 60),
        tokensAfter: Math.round((after.tokensAfter - before.tokensAfter) / 60),
        compressionMsMean: round(compressionMs, 2),
        addedLatency: summarize(added),
        addedBeyondCompression: {
          p50: round((summarize(added).p50 ?? 0) - compressionMs, 2),
          p99: round((summarize(added).p99 ?? 0) - compressionMs, 2),
        },
      });
    }

    const heap: number[] = [];
    for (let round_ = 0; round_ < 10; round_++) {
      await timedRequests(running.url, chatBody(40), 1000, 16);
      // Live heap after a full collection when the runner allows one (pnpm bench does), so the
      // figures show growth rather than where the collector happened to be.
      (globalThis as { gc?: () => void }).gc?.();
      heap.push(Math.round(process.memoryUsage().heapUsed / 1e6));
    }

    const faults: Record<string, string> = {};
    for (const path of ['/v1/status/500', '/v1/status/529']) {
      const r = await fetch(`${running.url}${path}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      faults[path] = `${r.status} ${(await r.text()).slice(0, 60)}`;
    }
    try {
      await fetch(`${running.url}/v1/hang`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(500) });
      faults.timeout = 'answered';
    } catch (error) {
      faults.timeout = `client gave up after 500 ms (${(error as Error).name}); proxy still serving: ${(await fetch(`${running.url}/health`)).status}`;
    }
    try {
      const r = await fetch(`${running.url}/v1/reset`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      const text = await r.text().catch((e: Error) => `stream ended with ${e.name}`);
      faults.resetMidStream = `status ${r.status}, client saw: ${text.slice(0, 60).replace(/\n/g, ' ')}`;
    } catch (error) {
      faults.resetMidStream = `client saw an error: ${(error as Error).message}`;
    }
    const health = await fetch(`${running.url}/health`);
    faults.afterFaults = `health ${health.status}`;

    return {
      benchmark: 'proxy-load',
      small: {
        requests: 2000,
        concurrency: 16,
        directPerSecond: Math.round(2000 / (direct.wallMs / 1000)),
        proxiedPerSecond: Math.round(2000 / (proxied.wallMs / 1000)),
        directLatency: summarize(direct.ms),
        proxiedLatency: summarize(proxied.ms),
        statuses: proxied.statuses,
      },
      sized,
      heapMbEvery1000Requests: heap,
      faults,
    };
  } finally {
    await running.close();
    await upstream.close();
  }
}
