import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectRedis } from '@headroom/ccr/redis';
import { round, summarize } from './corpus.js';
import { chatBody, fakeUpstream, timedRequests } from './proxy-load.js';

const CLI = resolve(import.meta.dirname, '../../apps/cli/dist/headroom.js');
const SMALL_REQUESTS = 1000;
const LARGE_REQUESTS = 120;
const LATENCY_SMALL = 300;
const LATENCY_LARGE = 40;
const CONCURRENCY = 16;
/** Lines of the generated log that make a tool output of about 20k tokens. */
const LINES_20K = 800;

/**
 * A fleet as a team runs it: 1, 2 and 4 `headroom proxy` processes on one real Redis behind a
 * round-robin front, against one process on its SQLite file; small requests and 20k-token
 * requests (each a first sight), through the front on loopback, with the fake provider's own
 * latency (requests sent to it directly) as the baseline. Then Redis's memory per stored original.
 */
export async function runFleetBenchmark() {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0)
    return { benchmark: 'fleet', skipped: 'redis-server is not installed (apt-get install redis-server)' };
  const dir = mkdtempSync(join(tmpdir(), 'headroom-fleet-'));
  const upstream = await fakeUpstream();
  const redis = await startRedis(dir);
  try {
    // Latency one request at a time (nothing queues), throughput with CONCURRENCY clients.
    const direct = {
      small: summarize((await timedRequests(upstream.url, chatBody(0), LATENCY_SMALL, 1)).ms),
      large: summarize((await timedRequests(upstream.url, (i) => chatBody(LINES_20K, i + 1), LATENCY_LARGE, 1)).ms),
    };
    const rows = [];
    let run = 1_000;
    const fresh = () => {
      run += 10_000;
      const base = run;
      return (i: number) => chatBody(LINES_20K, base + i);
    };
    for (const [store, replicas] of [
      ['sqlite', 1],
      ['redis', 1],
      ['redis', 2],
      ['redis', 4],
    ] as const) {
      const url = store === 'redis' ? redis.url : `sqlite:${join(dir, `ccr-${replicas}.db`)}`;
      const proxies = await Promise.all(Array.from({ length: replicas }, () => startProxy(url, upstream.url, dir)));
      const front = await roundRobin(proxies.map((p) => p.url));
      try {
        await timedRequests(front.url, chatBody(0), 200, 8); // warm-up
        await timedRequests(front.url, fresh(), 8 * replicas, replicas); // warm-up
        const small = summarize((await timedRequests(front.url, chatBody(0), LATENCY_SMALL, 1)).ms);
        const large = summarize((await timedRequests(front.url, fresh(), LATENCY_LARGE, 1)).ms);
        const smallLoad = await timedRequests(front.url, chatBody(0), SMALL_REQUESTS, CONCURRENCY);
        const largeLoad = await timedRequests(front.url, fresh(), LARGE_REQUESTS, CONCURRENCY);
        rows.push({
          store,
          replicas,
          small: { latency: small, addedP50: round(small.p50 - direct.small.p50, 2), perSecond: rate(smallLoad) },
          large20k: { latency: large, addedP50: round(large.p50 - direct.large.p50, 2), perSecond: rate(largeLoad) },
          statuses: { ...smallLoad.statuses, ...largeLoad.statuses },
        });
      } finally {
        await front.close();
        await Promise.all(proxies.map((p) => p.stop()));
      }
    }
    return {
      benchmark: 'fleet',
      concurrency: CONCURRENCY,
      direct,
      rows,
      redisMemory: await redisMemoryPerOriginal(redis.url),
    };
  } finally {
    await redis.stop();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (run: Awaited<ReturnType<typeof timedRequests>>) => Math.round(run.ms.length / (run.wallMs / 1000));

/** Stores 200 originals of a 20k-token tool output through the Redis store and reads Redis's own memory figure. */
async function redisMemoryPerOriginal(url: string) {
  const { createRedisStore } = await import('@headroom/ccr/redis');
  const client = connectRedis(url);
  await client.flushall();
  const used = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? 0);
  const before = await used();
  const store = createRedisStore({ client, url });
  const original = chatBody(LINES_20K);
  const count = 200;
  for (let i = 0; i < count; i++) {
    await store.put({
      key: i.toString(16).padStart(24, '0'),
      original: `${i} ${original}`,
      contentType: 'log',
      tokens: 5000,
    });
  }
  const after = await used();
  await client.quit();
  const bytes = Buffer.byteLength(original);
  return {
    originals: count,
    originalBytes: bytes,
    bytesPerOriginal: Math.round((after - before) / count),
    overheadPerOriginal: Math.round((after - before) / count - bytes),
  };
}

async function startRedis(dir: string) {
  const socket = join(dir, 'redis.sock');
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitFor(child, /ready to accept connections/i);
  return {
    url: `redis+unix://${socket}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function startProxy(store: string, upstream: string, dir: string) {
  const home = mkdtempSync(join(dir, 'home-'));
  const child = spawn(
    process.execPath,
    [CLI, 'proxy', '--port', '0', '--store', store, '--upstream-openai', upstream],
    { env: { PATH: process.env.PATH ?? '', HEADROOM_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = (await waitFor(child, /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/))[1] as string;
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c;
      const m = pattern.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ${pattern}: ${out}`)));
  });
}

async function roundRobin(targets: readonly string[]): Promise<{ url: string; close(): Promise<void> }> {
  let next = 0;
  const server = createServer((req, res) => {
    const forward = httpRequest(
      new URL(req.url ?? '/', targets[next++ % targets.length]),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
