import { existsSync } from 'node:fs';
import { createSqliteCounters } from '@headroom/ccr/sqlite';
import { statsOfCounters } from '@headroom/proxy';
import { parseCommandArgs } from '../internal/args.js';
import { inputError, usageError } from '../internal/cli-error.js';
import { STATS_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { countersPath } from '../internal/proxy-setup.js';

interface Figures {
  requests: number;
  tokensBefore: number;
  tokensAfter: number;
}

interface Stats {
  requests: number;
  sessions?: number;
  retrieveRounds?: number;
  compressedRequests: number;
  passedThrough?: Record<string, number>;
  tokensBefore: number;
  tokensAfter: number;
  byTransform: Record<string, { segments: number; tokensBefore: number; tokensAfter: number }>;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  compressionMs: number;
  estimatedSavedUsd: number;
  /** `shared`: every process that counts into the same store; `process`: the answering proxy alone. */
  scope?: 'shared' | 'process';
  byAgent?: Record<string, Figures>;
  byModel?: Record<string, Figures>;
  /** A fleet's replicas (proxies counting into one Redis) and each one's share. */
  replicas?: Record<string, { requests: number; tokensBefore: number; tokensAfter: number }>;
  components?: {
    prose?: { engine?: string; kompress?: string; pool?: { ready?: number }; fallbacks?: number };
    memory?: { location?: string; search?: string };
  };
}

/** `headroom stats [--url URL] [--token TOKEN] [--json]`: what a running proxy has saved so far. */
export async function runStats(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('stats', args, {
    url: { type: 'string' },
    token: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, STATS_HELP);
    return 0;
  }
  if (positionals.length) throw usageError(`stats takes no arguments. Run 'headroom stats --help'`);
  const base = (values.url ?? `http://127.0.0.1:${io.env.HEADROOM_PROXY_PORT ?? '8787'}`).replace(/\/$/, '');
  let stats: Stats;
  let source = `proxy        ${base}`;
  try {
    // A proxy bound beyond loopback asks for the admin token it printed at start.
    const token = values.token ?? io.env.HEADROOM_ADMIN_TOKEN;
    const response = await fetch(`${base}/stats`, {
      signal: AbortSignal.timeout(5000),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    stats = (await response.json()) as Stats;
  } catch (error) {
    // No proxy running: the figures every proxy and wrapped session on this machine added up.
    const kept = values.url === undefined ? await keptFigures(io.env) : undefined;
    if (!kept)
      throw inputError(
        `no Headroom proxy answered at ${base} (${(error as Error).message}); start one with 'headroom proxy' or pass --url`,
        error,
      );
    stats = kept.stats;
    source = `figures      ${kept.path} (no proxy answered at ${base})`;
  }
  if (values.json) {
    await write(io.stdout, `${JSON.stringify(stats)}\n`);
    return 0;
  }
  const saved = stats.tokensBefore ? (1 - stats.tokensAfter / stats.tokensBefore) * 100 : 0;
  const lines = [
    source,
    `requests     ${stats.requests} (${stats.compressedRequests} compressed) in ${plural(stats.sessions ?? 0, 'session')}; ${plural(stats.retrieveRounds ?? 0, 'retrieve round')} answered`,
    ...(Object.keys(stats.passedThrough ?? {}).length
      ? [
          `uncompressed ${Object.entries(stats.passedThrough ?? {})
            .map(([reason, n]) => `${n} ${reason}`)
            .join(', ')} (forwarded as sent)`,
        ]
      : []),
    `tokens       ${stats.tokensBefore.toLocaleString('en-US')} → ${stats.tokensAfter.toLocaleString('en-US')} (−${saved.toFixed(1)}%)`,
    `upstream     ${stats.inputTokens.toLocaleString('en-US')} input tokens, ${stats.cacheReadTokens.toLocaleString('en-US')} read from cache, ${stats.cacheWriteTokens.toLocaleString('en-US')} written`,
    `compression  ${stats.compressionMs} ms in all`,
    `saved        ~$${stats.estimatedSavedUsd.toFixed(4)} of input at list prices (estimate)`,
    ...(stats.components?.prose ? [`prose        ${describeProse(stats.components.prose)}`] : []),
    ...(stats.replicas
      ? [
          `replicas     ${Object.entries(stats.replicas)
            .map(([name, f]) => `${name} ${plural(f.requests, 'request')}`)
            .join(', ')}`,
        ]
      : []),
    ...(stats.components?.memory
      ? [`memory       ${stats.components.memory.location} (search: ${stats.components.memory.search})`]
      : []),
    ...breakdown('agents', stats.byAgent),
    ...breakdown('models', stats.byModel),
    ...Object.entries(stats.byTransform).map(
      ([name, t]) =>
        `  ${name.padEnd(20)} ${t.segments} segments, ${t.tokensBefore.toLocaleString('en-US')} → ${t.tokensAfter.toLocaleString('en-US')}`,
    ),
  ];
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}

/** One line per agent or model, busiest first. */
function breakdown(title: string, groups: Record<string, Figures> | undefined): string[] {
  const entries = Object.entries(groups ?? {}).sort((a, b) => b[1].requests - a[1].requests);
  if (!entries.length) return [];
  return [
    `${title.padEnd(12)} ${entries
      .map(([name, f]) => {
        const saved = f.tokensBefore ? ` −${((1 - f.tokensAfter / f.tokensBefore) * 100).toFixed(1)}%` : '';
        return `${name} ${plural(f.requests, 'request')}${saved}`;
      })
      .join(', ')}`,
  ];
}

/** The shared counters in the Headroom database, when it exists. */
async function keptFigures(env: NodeJS.ProcessEnv): Promise<{ stats: Stats; path: string } | undefined> {
  const path = countersPath(env);
  if (!existsSync(path)) return undefined;
  const counters = createSqliteCounters({ path });
  try {
    return { stats: { ...statsOfCounters(await counters.read()), scope: 'shared' }, path };
  } finally {
    counters.close();
  }
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What prose runs on: Kompress with its workers and fallbacks, or the extractive compressor and why. */
function describeProse(prose: NonNullable<NonNullable<Stats['components']>['prose']>): string {
  if (prose.engine === 'kompress')
    return `kompress (${prose.pool?.ready ?? 0} workers ready, ${prose.fallbacks ?? 0} fallbacks to the extractive compressor)`;
  return `extractive (${prose.kompress ?? 'Kompress is off'})`;
}
