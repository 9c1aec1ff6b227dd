import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningRedis, redisServerAvailable, startRedisServer } from '@headroom/ccr/testing';
import { postgresServerAvailable, type RunningPostgres, startPostgresServer } from '@headroom/memory/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDir, runCli, startServing, stdioClient } from './run-cli.js';

/**
 * Two `headroom proxy` processes (separate homes, as on two machines) on one real Redis and one
 * real PostgreSQL (the team's memory), behind a round-robin front on loopback, with a scripted
 * model upstream: what a team behind a load balancer runs.
 */
const available = redisServerAvailable() && postgresServerAvailable();
const fixture = (name: string) =>
  readFileSync(new URL(`../../../packages/crushers/test/fixtures/${name}`, import.meta.url), 'utf8');
const LOG = fixture('dpkg-log.txt');
const LISTING = fixture('dpkg-l.txt');
const GREP = fixture('grep-repo.txt');
const KEY = /headroom:([0-9a-f]{24})/;

interface Upstream {
  readonly url: string;
  readonly bodies: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A model that answers "ok", asks for the original (`headroom_retrieve`) when the user says
 * "retrieve", and says "done" once it has the tool's answer.
 */
async function scriptedModel(): Promise<Upstream> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const body = JSON.parse(text) as { messages: { role: string; content?: unknown }[] };
      bodies.push(body);
      const last = body.messages[body.messages.length - 1];
      const key = KEY.exec(text)?.[1];
      const message =
        last?.role === 'tool'
          ? { role: 'assistant', content: 'done' }
          : last?.role === 'user' && String(last.content).includes('retrieve') && key
            ? {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: 'call_r',
                    type: 'function',
                    function: { name: 'headroom_retrieve', arguments: JSON.stringify({ key }) },
                  },
                ],
              }
            : { role: 'assistant', content: 'ok' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `r${bodies.length}`,
          object: 'chat.completion',
          model: 'gpt-4o',
          choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105 },
        }),
      );
    });
  });
  return { ...(await listen(server)), bodies };
}

/** Any HTTP load balancer: requests go to each replica in turn, bodies and answers untouched. */
async function roundRobin(
  replicas: readonly string[],
): Promise<{ url: string; routed: string[]; close(): Promise<void> }> {
  let next = 0;
  const routed: string[] = [];
  const server = createServer((req, res) => {
    const replica = replicas[next++ % replicas.length] as string;
    routed.push(replica);
    const target = new URL(req.url ?? '/', replica);
    const forward = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(forward);
  });
  return { ...(await listen(server)), routed };
}

async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TOOLS = [
  { type: 'function', function: { name: 'bash', description: 'Run a command', parameters: { type: 'object' } } },
];

function session(log: string, turns: { role: string; content: string }[]) {
  return {
    model: 'gpt-4o',
    tools: TOOLS,
    messages: [
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: 'What did dpkg do?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{"cmd":"cat dpkg.log"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: log },
      ...turns,
    ],
  };
}

async function chat(front: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${front}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'fleet-test/1.0' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** The tool result as the upstream received it. */
const toolContent = (body: Record<string, unknown>) =>
  (body.messages as { role: string; tool_call_id?: string; content: string }[]).find(
    (m) => m.role === 'tool' && m.tool_call_id === 'call_1',
  )?.content;

describe.skipIf(!available)('a fleet of proxies on one Redis', () => {
  let redis: RunningRedis;
  let postgres: RunningPostgres;
  let memoryDb: string;
  let model: Upstream;
  let replicas: ReturnType<typeof startServing>[];
  let urls: string[];
  let front: Awaited<ReturnType<typeof roundRobin>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    postgres = await startPostgresServer();
    memoryDb = await postgres.freshDatabase();
    model = await scriptedModel();
    replicas = [0, 1].map(() =>
      startServing(
        [
          'proxy',
          '--port',
          '0',
          '--store',
          redis.url,
          '--memory',
          '--memory-db',
          memoryDb,
          '--upstream-openai',
          model.url,
        ],
        { HEADROOM_HOME: emptyDir() },
        /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
      ),
    );
    urls = await Promise.all(replicas.map((r) => r.url));
    front = await roundRobin(urls);
  }, 60_000);

  afterAll(async () => {
    await front?.close();
    const stopped = await Promise.all(replicas.map((r) => r.stop()));
    for (const { code, stderr } of stopped) {
      expect(code).toBe(0);
      // One warning for the outage, not one per request or per reconnect attempt.
      expect(stderr.match(/warning: Redis at .* is unavailable/g)).toHaveLength(1);
    }
    await model?.close();
    await redis?.stop();
    await postgres?.stop();
  });

  it('answers a retrieve on the replica that did not compress, with the history byte-stable', async () => {
    // A memory one developer saved (their CLI, on the team's PostgreSQL) reaches every replica's sessions.
    const saved = runCli([
      'memory',
      'add',
      'dpkg logs live in /var/log/dpkg.log',
      '--scope',
      'global',
      '--memory-db',
      memoryDb,
    ]);
    expect(saved.code).toBe(0);
    // Turn 1 goes to the first replica, which compresses the log and keeps its original in Redis.
    const first = await chat(front.url, session(LOG, []));
    expect(first.status).toBe(200);
    const compressed = toolContent(model.bodies[0] as Record<string, unknown>);
    expect(compressed).toMatch(KEY);
    expect((compressed as string).length).toBeLessThan(LOG.length / 2);
    const key = KEY.exec(compressed as string)?.[1] as string;

    // Turn 2 goes to the other replica: the log goes up in the same bytes, and the model's retrieve
    // is answered there from the original the first replica stored.
    const second = await chat(
      front.url,
      session(LOG, [
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'Please retrieve the whole log.' },
      ]),
    );
    expect(second.status).toBe(200);
    expect(front.routed).toEqual(urls);
    expect((second.json.choices as { message: { content: string } }[])[0]?.message.content).toBe('done');
    expect(model.bodies).toHaveLength(3);
    expect(toolContent(model.bodies[1] as Record<string, unknown>)).toBe(compressed);
    // The session's memories, chosen once on the first replica, go up from the second in the same bytes.
    const system = (body: Record<string, unknown>) =>
      (body.messages as { role: string; content: string }[])[0]?.content;
    expect(system(model.bodies[0] as Record<string, unknown>)).toContain('dpkg logs live in /var/log/dpkg.log');
    expect(system(model.bodies[1] as Record<string, unknown>)).toBe(system(model.bodies[0] as Record<string, unknown>));
    const round = model.bodies[2] as { messages: { role: string; tool_call_id?: string; content: string }[] };
    const answer = round.messages.find((m) => m.role === 'tool' && m.tool_call_id === 'call_r')?.content ?? '';
    expect(answer).toContain(key);
    // Every line of the original came back (the answer carries the original, not the compressed form).
    const omitted = LOG.split('\n').filter((line) => line && !(compressed as string).includes(line));
    expect(omitted.length).toBeGreaterThan(10);
    for (const line of omitted) expect(answer).toContain(line);
  });

  it('shows the fleet’s figures on every replica', async () => {
    const requests = async (url: string) =>
      ((await (await fetch(`${url}/stats`)).json()) as { requests: number }).requests;
    // Figures are written about once a second: both replicas see both turns, and each one's share.
    for (const url of urls) await expect.poll(() => requests(url), { timeout: 5000 }).toBe(2);
    const stats = (await (await fetch(`${urls[0]}/stats`)).json()) as {
      sessions: number;
      replicas: Record<string, { requests: number }>;
    };
    expect(Object.values(stats.replicas).map((r) => r.requests)).toEqual([1, 1]);
    expect(stats.sessions).toBe(1); // one conversation, though two replicas met it
    const human = runCli(['stats', '--url', urls[1] as string]).stdout.toString();
    expect(human).toMatch(/\nreplicas {5}\S+ 1 request, \S+ 1 request\n/);
    expect(human).toMatch(/\nmemory {7}postgres:\/\/headroom@\S+ \(search: full text only\)\n/);
  });

  it('keeps answering while Redis is down — uncompressed, degraded — and compresses again once it is back', async () => {
    const health = async (url: string) => ((await (await fetch(`${url}/health`)).json()) as { status: string }).status;
    // Killed mid-load: requests in flight and after all come back 200.
    const burst = Array.from({ length: 24 }, (_, i) => chat(front.url, session(`${LISTING}\nrun ${i}`, [])));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await redis.stop({ hard: true, keepDir: true });
    expect((await Promise.all(burst)).map((r) => r.status)).toEqual(Array.from({ length: 24 }, () => 200));
    const during = await chat(front.url, session(LISTING, []));
    expect(during.status).toBe(200);
    // Never compressed without a retrievable original: the listing went up as it came.
    expect(toolContent(model.bodies[model.bodies.length - 1] as Record<string, unknown>)).toBe(LISTING);
    for (const url of urls) expect(await health(url)).toBe('degraded');
    const checks = ((await (await fetch(`${urls[0]}/health`)).json()) as { checks: Record<string, { ok: boolean }> })
      .checks;
    expect({ storage: checks.storage?.ok, memory: checks.memory?.ok }).toEqual({ storage: false, memory: true });

    redis = await redis.restart();
    await expect
      .poll(
        async () => {
          await chat(front.url, session(LISTING, []));
          return toolContent(model.bodies[model.bodies.length - 1] as Record<string, unknown>)?.length ?? 0;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBeLessThan(LISTING.length / 2);
    for (const url of urls) await expect.poll(() => health(url), { timeout: 5000 }).toBe('ok');
  });

  it('moves a machine’s originals into the fleet’s Redis with ccr migrate', async () => {
    const home = emptyDir();
    const env = { HEADROOM_HOME: home };
    const compressed = runCli(['compress', '--json', '-'], { input: GREP, env });
    const key = (JSON.parse(compressed.stdout.toString()) as { ccrKeys: string[] }).ccrKeys[0] as string;
    expect(key).toMatch(/^[0-9a-f]{24}$/);
    expect(runCli(['retrieve', key, '--store', redis.url], { env }).code).toBe(1);
    const moved = runCli(['ccr', 'migrate', '--to', redis.url, '--json'], { env });
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout.toString())).toMatchObject({ copied: 1, alreadyThere: 0 });
    const back = runCli(['retrieve', key, '--store', redis.url], { env });
    expect(back.stdout.toString()).toBe(GREP);
    const again = runCli(['ccr', 'migrate', '--to', redis.url, '--json'], { env });
    expect(JSON.parse(again.stdout.toString())).toMatchObject({ copied: 0, alreadyThere: 1 });
  });

  it('shares memories between two developers’ MCP servers on other machines, and retrieves from the fleet', async () => {
    const env = { HEADROOM_MEMORY_DB: memoryDb, HEADROOM_STORE: redis.url };
    const project = emptyDir();
    const alice = await stdioClient(emptyDir(), 'alice-claude', project, env);
    const bob = await stdioClient(emptyDir(), 'bob-codex', project, env);
    try {
      const text = (result: unknown) =>
        (result as { content: { type: string; text?: string }[] }).content.map((c) => c.text ?? '').join('\n');
      await alice.callTool({
        name: 'memory_save',
        arguments: { text: 'Release notes go in docs/CHANGES.md.', scope: 'global' },
      });
      const found = await bob.callTool({ name: 'memory_search', arguments: { query: 'where do release notes go' } });
      expect(text(found)).toContain('Release notes go in docs/CHANGES.md. (global; from alice-claude)');
      // A key the fleet's proxies stored answers from a developer's own MCP server too.
      const compressed = await chat(front.url, session(GREP.replace('grep', 'rg'), []));
      expect(compressed.status).toBe(200);
      const key = KEY.exec(toolContent(model.bodies[model.bodies.length - 1] as Record<string, unknown>) ?? '')?.[1];
      expect(key).toBeDefined();
      const original = await bob.callTool({ name: 'headroom_retrieve', arguments: { key } });
      expect(text(original)).toContain(GREP.replace('grep', 'rg').split('\n')[5] as string);
    } finally {
      await Promise.all([alice.close(), bob.close()]);
    }
  });
});
