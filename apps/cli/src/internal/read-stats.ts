import { existsSync } from 'node:fs';
import { createSqliteCounters } from '@headroom/ccr/sqlite';
import { type OutputSavings, statsOfCounters } from '@headroom/proxy';
import { inputError } from './cli-error.js';
import type { CliIo } from './io.js';
import { countersPath } from './proxy-setup.js';

export interface Figures {
  requests: number;
  tokensBefore: number;
  tokensAfter: number;
}

export interface Stats {
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
  outputTokens?: number;
  /** Inline images and what they cost; absent from figures an earlier version kept. */
  images?: number;
  imageTokens?: number;
  imagesDownscaled?: number;
  imageDuplicates?: number;
  imageTokensSaved?: number;
  outputShaping?: OutputSavings;
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

/**
 * The figures of the proxy at `--url` (default the local port), with the admin token when given;
 * when none answers and no URL was named, the counters every proxy and wrapped session on this
 * machine added up. `source` says which, for the first line of a report.
 */
export async function readStats(
  io: CliIo,
  values: { readonly url?: string | undefined; readonly token?: string | undefined },
): Promise<{ stats: Stats; source: string }> {
  const base = (values.url ?? `http://127.0.0.1:${io.env.HEADROOM_PROXY_PORT ?? '8787'}`).replace(/\/$/, '');
  try {
    // A proxy bound beyond loopback asks for the admin token it printed at start.
    const token = values.token ?? io.env.HEADROOM_ADMIN_TOKEN;
    const response = await fetch(`${base}/stats`, {
      signal: AbortSignal.timeout(5000),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    if (!response.ok) throw new Error(`it answered ${response.status}`);
    return { stats: (await response.json()) as Stats, source: `proxy        ${base}` };
  } catch (error) {
    // No proxy running: the figures every proxy and wrapped session on this machine added up.
    const kept = values.url === undefined ? await keptFigures(io.env) : undefined;
    if (!kept)
      throw inputError(
        `no Headroom proxy answered at ${base} (${(error as Error).message}); start one with 'headroom proxy' or pass --url`,
        error,
      );
    return { stats: kept.stats, source: `figures      ${kept.path} (no proxy answered at ${base})` };
  }
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
