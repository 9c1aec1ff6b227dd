import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serveProxy } from '@headroom/proxy/node';

/**
 * Soak: random and malformed bodies, client aborts and upstream faults at 100 concurrent
 * connections for a bounded time (HEADROOM_SOAK_SECONDS, default 120), the proxy in this process
 * and the load in another, so RSS and event-loop delay are the proxy's own. Counts
 * every status the clients saw, the 5xx the proxy caused itself (where the upstream answered
 * without one), RSS over time, and the proxy's event-loop delay: under the load alone, while an
 * 18 MB output is compressed under it, and while one is compressed with no other load.
 */
export async function runProxySoakBenchmark(): Promise<object> {
  const seconds = Number(process.env.HEADROOM_SOAK_SECONDS ?? '120');
  const upstream = await faultyUpstream();
  const proxy = await serveProxy({
    port: 0,
    upstreamOpenAI: upstream.url,
    upstreamAnthropic: upstream.url,
    upstreamIdleTimeoutMs: 5000,
    onWarning: () => {},
  });
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(Math.round(process.memoryUsage().rss / 1e6)), 5000);
  // The load in a process of its own: RSS and event-loop delay here are the proxy's.
  const loadDone = runScript(LOAD_SCRIPT, JSON.stringify({ url: proxy.url, seconds, connections: 100 }));
  // The loop under load alone (after warm-up), then while an 18 MB tool output is compressed
  // under the same load, then while another is compressed with no other load. Each big body is
  // sent from a process of its own: building and sending it is the client's work, not the proxy's.
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await pause((seconds * 1000) / 5);
  const loadOnly = await loopDelayWhile(pause((seconds * 1000) / 5));
  const beforeBig = rss.length;
  const underLoad = await loopDelayWhile(runScript(BIG_SCRIPT, `${proxy.url} 1`));
  const counts = JSON.parse((await loadDone) || '{}') as Record<string, number>;
  const alone = await loopDelayWhile(runScript(BIG_SCRIPT, `${proxy.url} 2`));
  clearInterval(sampler);
  await proxy.close();
  await upstream.close();
  // Growth is judged under the load alone; the 18 MB bodies then raise the heap on purpose.
  const afterWarmUp = rss.slice(Math.ceil(beforeBig / 2), beforeBig);
  return {
    seconds,
    connections: 100,
    statuses: counts,
    layerCaused5xx: counts.layerCaused ?? 0,
    rssMb: rss,
    rssGrowthAfterWarmUp: afterWarmUp.length
      ? Math.round(((Math.max(...afterWarmUp) - (afterWarmUp[0] ?? 0)) / (afterWarmUp[0] ?? 1)) * 1000) / 1000
      : 0,
    eventLoopDelayUnderLoad: loadOnly.delay,
    bigOutputUnderLoad: underLoad,
    bigOutputAlone: alone,
  };
}

/** What `work` printed, with the event-loop delay (p99 and max, ms) while it ran. */
async function loopDelayWhile(work: Promise<unknown>): Promise<{ delay: { p99: number; max: number } } & object> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const output = await work;
  histogram.disable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const printed = typeof output === 'string' && output ? (JSON.parse(output) as object) : {};
  return { ...printed, delay: { p99: ms(histogram.percentile(99)), max: ms(histogram.max) } };
}

/**
 * One request with an 18 MB tool output (350,000 log lines, 70 of them errors; the second
 * argument varies the text, so a second one is not a first sight already seen); prints its status and time.
 */
const BIG_SCRIPT = `
const [url, variant] = process.argv[1].split(' ');
const lines = Array.from({ length: 350000 }, (_, i) =>
  '2026-01-01T00:00:' + String(i % 60).padStart(2, '0') + 'Z ' + (i % 5000 ? 'INFO' : 'ERROR') + ' shard ' + (i % 31) + ' job ' + i + ' run ' + variant);
const body = JSON.stringify({ model: 'gpt-4o', messages: [
  { role: 'user', content: 'Which shards failed?' },
  { role: 'tool', tool_call_id: 'a', content: lines.join('\\n') },
] });
(async () => {
  const started = performance.now();
  const busy = [];
  for (;;) {
    const res = await fetch(url + '/v1/chat/completions', { method: 'POST', body });
    await res.text();
    // Refused while the proxy holds its limit of bodies: asked again after the wait it gives, as clients do.
    if (res.status === 429 && busy.length < 20) {
      busy.push(Number(res.headers.get('retry-after') || 1));
      await new Promise((r) => setTimeout(r, busy[busy.length - 1] * 1000));
      continue;
    }
    process.stdout.write(JSON.stringify({ status: res.status, refusedFirst: busy.length, bytes: body.length, ms: Math.round(performance.now() - started) }));
    return;
  }
})();
`;

/** Runs a script in a process of its own with `argument`; resolves with what it printed. */
function runScript(script: string, argument: string): Promise<string> {
  const child = spawn(process.execPath, ['-e', script, '--', argument], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  return new Promise((resolve) => child.once('close', () => resolve(output)));
}

/** A provider on loopback whose `x-soak-mode` header picks its behaviour: answer, stream, fail, drop, stall, redirect. */
const UPSTREAM_SCRIPT = `
const { createServer } = require('node:http');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const mode = String(req.headers['x-soak-mode'] || '');
    if (mode === 'fail') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
    if (mode === 'drop') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":');
      return void setTimeout(() => res.destroy(), 10);
    }
    if (mode === 'stall') return void setTimeout(() => res.writeHead(200).end('{}'), 8000);
    if (mode === 'moved') return void res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' }).end();
    if (mode === 'stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"id":"c","choices":[{"index":0,"delta":{"content":"ok"}}]}\\n\\n');
      return void setTimeout(() => res.end('data: [DONE]\\n\\n'), 5);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"r","choices":[{"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":10}}');
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('http://127.0.0.1:' + server.address().port + '\\n'));
`;

/** The fake provider in a process of its own, so the proxy's work never slows it. */
async function faultyUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', UPSTREAM_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** The load: one process, many connections, each sending random requests until time is up. */
const LOAD_SCRIPT = `
const { gzipSync } = require('node:zlib');
const { url, seconds, connections } = JSON.parse(process.argv[1]);
const until = Date.now() + seconds * 1000;
const counts = { layerCaused: 0 };
const count = (k) => { counts[k] = (counts[k] || 0) + 1; };
let seed = 1;
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const log = (n) => Array.from({ length: n }, (_, i) => '2026-01-01T00:00:00Z INFO worker ' + (i % 7) + ' job ' + i + ' run ' + Math.floor(random() * 1e6)).join('\\n');
// 40 MB of spaces, made as they are sent: the client holds one 64 kB chunk at a time.
const oversized = () => { let left = 640; const chunk = new Uint8Array(65536).fill(32); return new ReadableStream({ pull(c) { if (left-- > 0) c.enqueue(chunk); else c.close(); } }); };
const chat = (n) => JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'status?' }, { role: 'tool', tool_call_id: 'a', content: log(n) }] });
const kinds = [
  ['ok', () => ({ path: '/v1/chat/completions', body: chat(400) })],
  ['stream', () => ({ path: '/v1/chat/completions', body: chat(300), headers: { 'x-soak-mode': 'stream' } })],
  ['malformed', () => ({ path: '/v1/chat/completions', body: '{"messages": [' })],
  ['binary', () => ({ path: '/v1/chat/completions', body: Buffer.from(Array.from({ length: 2000 }, () => Math.floor(random() * 256))) })],
  ['gzip', () => ({ path: '/v1/chat/completions', body: gzipSync(chat(400)), headers: { 'content-encoding': 'gzip' } })],
  ['oversized', () => ({ path: '/v1/chat/completions', body: oversized(), duplex: 'half' })],
  ['upstream-fail', () => ({ path: '/v1/chat/completions', body: chat(50), headers: { 'x-soak-mode': 'fail' } })],
  ['upstream-drop', () => ({ path: '/v1/chat/completions', body: chat(50), headers: { 'x-soak-mode': 'drop' } })],
  ['upstream-stall', () => ({ path: '/v1/chat/completions', body: chat(50), headers: { 'x-soak-mode': 'stall' } })],
  ['redirect', () => ({ path: '/v1/chat/completions', body: chat(50), headers: { 'x-soak-mode': 'moved' } })],
  ['abort', () => ({ path: '/v1/chat/completions', body: chat(2000), abortMs: 1 + Math.floor(random() * 20) })],
];
// Where the upstream answers without a 5xx of its own, a 5xx or a stream error is the layer's doing.
const healthy = new Set(['ok', 'stream', 'malformed', 'binary', 'gzip', 'oversized', 'redirect']);
async function one() {
  const [kind, make] = kinds[Math.floor(random() * kinds.length)];
  const { path, body, headers, abortMs, duplex } = make();
  const controller = new AbortController();
  if (abortMs) setTimeout(() => controller.abort(), abortMs);
  try {
    const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer sk', ...headers }, signal: controller.signal, redirect: 'manual', ...(duplex ? { duplex } : {}) });
    const text = await res.text();
    count(kind + ':' + res.status);
    if (healthy.has(kind) && (res.status >= 500 || /"type":"error"|upstream_error/.test(text))) { counts.layerCaused++; count('why:' + text.slice(0, 160)); }
  } catch (error) {
    count(kind + ':' + (abortMs ? 'aborted' : 'client-error'));
  }
}
(async () => {
  await Promise.all(Array.from({ length: connections }, async () => { while (Date.now() < until) await one(); }));
  process.stdout.write(JSON.stringify(counts));
})();
`;
