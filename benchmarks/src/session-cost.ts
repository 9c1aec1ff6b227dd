import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMemoryStore } from '@headroom/ccr';
import { FirstSightCache, getTokenizer, type Tokenizer, type WireFormat } from '@headroom/core';
import { compress } from '@headroom/crushers';
import { createProxy } from '@headroom/proxy';
import { datasetsDir, round } from './corpus.js';
import { type Trajectory, trajectoryMessages } from './trajectories.js';

/** Price multipliers on the base input price. Anthropic: writes 1.25×, reads 0.1×; OpenAI: reads at a discount, no write premium. */
export interface CachePricing {
  readonly name: string;
  readonly write: number;
  readonly read: number;
  /** OpenAI caches only prefixes of at least this many tokens, in steps of `step`. */
  readonly minPrefix: number;
  readonly step: number;
}

export const ANTHROPIC: CachePricing = { name: 'anthropic', write: 1.25, read: 0.1, minPrefix: 0, step: 1 };
export const OPENAI: CachePricing = { name: 'openai', write: 1, read: 0.5, minPrefix: 1024, step: 128 };

interface SessionPrice {
  readonly passthrough: { inputTokens: number; cachedTokens: number; cost: number };
  readonly headroom: { inputTokens: number; cachedTokens: number; cost: number };
  readonly saving: number;
  /** Through the proxy: compressed the same way, plus `headroom_retrieve` offered on every request. */
  readonly proxy: { inputTokens: number; cachedTokens: number; cost: number };
  readonly proxySaving: number;
}

export interface Session {
  readonly name: string;
  readonly format: WireFormat;
  /** Every request the agent sends, in order; each carries the whole history so far. */
  readonly requests: readonly Record<string, unknown>[];
  /** Mean tokens of the session's tool outputs. */
  readonly meanToolOutputTokens: number;
}

/**
 * Cost of a sequence of prompts (each a list of message strings) under prompt caching, in
 * base-input-token units. `namespaces` (one per prompt) models settings the provider keys its cache
 * by, such as a thinking budget or reasoning effort: a prompt reads only from the last prompt sent
 * in its own namespace.
 */
export function priceSession(
  prompts: readonly (readonly { text: string; tokens: number }[])[],
  pricing: CachePricing,
  namespaces?: readonly string[],
) {
  let input = 0;
  let cached = 0;
  let cost = 0;
  const last = new Map<string, readonly { text: string; tokens: number }[]>();
  for (const [n, prompt] of prompts.entries()) {
    const namespace = namespaces?.[n] ?? '';
    const previous = last.get(namespace) ?? [];
    const total = prompt.reduce((a, m) => a + m.tokens, 0);
    // The cache holds the previous request's prompt: the longest run of identical leading messages is read from it.
    let prefix = 0;
    for (let i = 0; i < Math.min(prompt.length, previous.length) && prompt[i]?.text === previous[i]?.text; i++)
      prefix += prompt[i]?.tokens ?? 0;
    if (prefix < pricing.minPrefix) prefix = 0;
    prefix -= prefix % pricing.step;
    input += total;
    cached += prefix;
    cost += prefix * pricing.read + (total - prefix) * pricing.write;
    last.set(namespace, prompt);
  }
  return { input, cached, cost };
}

/** A request's messages as the strings a provider would read, with their token counts. */
export function promptOf(request: Record<string, unknown>, tokenizer: Tokenizer): { text: string; tokens: number }[] {
  const parts: unknown[] = [];
  if (request.system !== undefined) parts.push(request.system);
  if (Array.isArray(request.tools)) parts.push(request.tools);
  parts.push(...((request.messages as unknown[]) ?? []));
  return parts.map((part) => {
    const text = JSON.stringify(part);
    return { text, tokens: tokenizer.count(text) };
  });
}

/** Requests at every point where the model is asked to speak: before each assistant message, and at the end. */
function requestsFrom(
  base: Record<string, unknown>,
  messages: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  const requests: Record<string, unknown>[] = [];
  messages.forEach((message, i) => {
    if (i > 0 && message.role === 'assistant') requests.push({ ...base, messages: messages.slice(0, i) });
  });
  if (messages.at(-1)?.role !== 'assistant') requests.push({ ...base, messages });
  return requests;
}

function toolOutputMean(messages: readonly Record<string, unknown>[], tokenizer: Tokenizer): number {
  const outputs: string[] = [];
  for (const m of messages) {
    if (m.role === 'tool' && typeof m.content === 'string') outputs.push(m.content);
    if (Array.isArray(m.content)) {
      for (const block of m.content as Record<string, unknown>[]) {
        if (block.type === 'tool_result')
          outputs.push(typeof block.content === 'string' ? block.content : JSON.stringify(block.content));
      }
    }
  }
  return outputs.length ? outputs.reduce((a, o) => a + tokenizer.count(o), 0) / outputs.length : 0;
}

export function loadSessions(tokenizer: Tokenizer): Session[] {
  const root = datasetsDir();
  const sessions: Session[] = [];
  const swe = join(root, 'swe_agent_trajectories');
  for (const f of existsSync(swe)
    ? readdirSync(swe)
        .filter((x) => x.endsWith('.traj'))
        .sort()
    : []) {
    const messages = trajectoryMessages(JSON.parse(readFileSync(join(swe, f), 'utf8')) as Trajectory);
    sessions.push({
      name: f,
      format: 'openai',
      requests: requestsFrom({ model: 'gpt-4o' }, messages),
      meanToolOutputTokens: toolOutputMean(messages, tokenizer),
    });
  }
  const scenarios = join(root, 'headroom_scenarios');
  for (const f of existsSync(scenarios)
    ? readdirSync(scenarios)
        .filter((x) => /agentic/.test(x))
        .sort()
    : []) {
    const scenario = JSON.parse(readFileSync(join(scenarios, f), 'utf8')) as {
      model: string;
      messages: Record<string, unknown>[];
    };
    const anthropic = scenario.messages.some(
      (m) => Array.isArray(m.content) && (m.content as { type?: string }[]).some((b) => b.type === 'tool_use'),
    );
    const system = scenario.messages.filter((m) => m.role === 'system');
    const rest = scenario.messages.filter((m) => m.role !== 'system');
    const base = anthropic
      ? { model: scenario.model, max_tokens: 1024, system: system.map((m) => m.content).join('\n') }
      : { model: scenario.model };
    const messages = anthropic ? rest : scenario.messages;
    sessions.push({
      name: f,
      format: anthropic ? 'anthropic' : 'openai',
      requests: requestsFrom(base, messages),
      meanToolOutputTokens: toolOutputMean(messages, tokenizer),
    });
  }
  return sessions;
}

/**
 * A provider stand-in on loopback that keeps the last body it received and answers with an
 * empty reply, so the proxy's upstream bytes can be priced exactly as a provider would see them.
 */
export async function recordingUpstream() {
  let last = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      last = Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"x","type":"message","role":"assistant","content":[],"choices":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    last: () => last,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The session's requests as the proxy sends them upstream (compressed, with `headroom_retrieve` offered). */
export async function viaProxy(
  session: Session,
  upstreamUrl: string,
  last: () => string,
  tokenizer: Tokenizer,
  options: Parameters<typeof createProxy>[0] = {},
) {
  const proxy = createProxy({
    upstreamAnthropic: upstreamUrl,
    upstreamOpenAI: upstreamUrl,
    store: createMemoryStore(),
    firstSight: new FirstSightCache(),
    ...options,
  });
  const path = session.format === 'anthropic' ? '/v1/messages' : '/v1/chat/completions';
  const prompts: { text: string; tokens: number }[][] = [];
  for (const request of session.requests) {
    const response = await proxy.fetch(
      new Request(`http://127.0.0.1${path}`, {
        method: 'POST',
        body: JSON.stringify(request),
        headers: { 'content-type': 'application/json' },
      }),
    );
    await response.text();
    prompts.push(promptOf(JSON.parse(last()) as Record<string, unknown>, tokenizer));
  }
  return prompts;
}

/**
 * Replays each agent session request by request, as a long-running client would (one process, one
 * store, one first-sight cache), and prices every request with prompt caching — without and with
 * Headroom. A compressor that rewrote history would break the cached prefix and cost more here.
 */
export async function runSessionCostBenchmark() {
  const tokenizer = await getTokenizer();
  const upstream = await recordingUpstream();
  const rows = [];
  for (const session of loadSessions(tokenizer)) {
    const firstSight = new FirstSightCache();
    const store = createMemoryStore();
    const raw = session.requests.map((r) => promptOf(r, tokenizer));
    const compressed: { text: string; tokens: number }[][] = [];
    for (const request of session.requests) {
      const result = await compress(request, { format: session.format, store, firstSight });
      compressed.push(promptOf(result.request as Record<string, unknown>, tokenizer));
    }
    const proxied = await viaProxy(session, upstream.url, upstream.last, tokenizer);
    const priced = Object.fromEntries(
      [ANTHROPIC, OPENAI].map((pricing) => {
        const before = priceSession(raw, pricing);
        const after = priceSession(compressed, pricing);
        const proxy = priceSession(proxied, pricing);
        return [
          pricing.name,
          {
            passthrough: { inputTokens: before.input, cachedTokens: before.cached, cost: round(before.cost, 0) },
            headroom: { inputTokens: after.input, cachedTokens: after.cached, cost: round(after.cost, 0) },
            saving: round(1 - after.cost / before.cost),
            proxy: { inputTokens: proxy.input, cachedTokens: proxy.cached, cost: round(proxy.cost, 0) },
            proxySaving: round(1 - proxy.cost / before.cost),
          },
        ];
      }),
    );
    rows.push({
      session: session.name,
      requests: session.requests.length,
      meanToolOutputTokens: Math.round(session.meanToolOutputTokens),
      anthropic: priced.anthropic as SessionPrice,
      openai: priced.openai as SessionPrice,
    });
  }
  await upstream.close();
  const sessionsCostingMore = rows.filter((r) => r.anthropic.saving < 0 || r.openai.saving < 0).length;
  const sessionsCostingMoreViaProxy = rows.filter(
    (r) => r.anthropic.proxySaving < 0 || r.openai.proxySaving < 0,
  ).length;
  return {
    benchmark: 'session-cost',
    pricing: { anthropic: ANTHROPIC, openai: OPENAI, unit: 'base input tokens (multiply by the model input price)' },
    summary: {
      sessions: rows.length,
      sessionsCostingMore,
      sessionsCostingMoreViaProxy,
      heavySessions: rows
        .filter((r) => r.meanToolOutputTokens >= 5000)
        .map((r) => ({ session: r.session, anthropic: r.anthropic?.saving, openai: r.openai?.saving })),
    },
    rows,
  };
}
