import { join } from 'node:path';
import { headroomHome, type OutputShaperSettings, parseContextWindows } from '@headroom/core';
import { importSavedStats, type ServeOptions } from '@headroom/proxy/node';
import { usageError } from './cli-error.js';
import type { CliConfig } from './config.js';
import type { CliIo } from './io.js';
import { type OutputShaperFlags, outputShaperSettings } from './output-shaper.js';
import { proxyMemories } from './proxy-memories.js';
import { openStorage, storageUrl } from './storage.js';
import { assemblePipeline, PROXY_KOMPRESS_DEADLINE_MS } from './transforms.js';

/**
 * What a proxy run by `headroom proxy` or `headroom wrap` stands on: the store (on by default, so
 * the model gets headroom_retrieve), first sights in the same file (a restarted proxy resends a
 * session's history in the same bytes), opt-in memories, and the compressors — Kompress first
 * when a model is configured, with a short deadline on the request path.
 */
export async function openProxyResources(
  io: CliIo,
  config: CliConfig,
  flags: {
    readonly memory?: boolean | undefined;
    readonly memoryBudget?: string | undefined;
    readonly upstreamAnthropic?: string | undefined;
    readonly upstreamOpenAI?: string | undefined;
    readonly upstreamGemini?: string | undefined;
    /** Storage URL (`--store`); see `openStorage`. */
    readonly store?: string | undefined;
    /** Memory URL (`--memory-db`); see `openMemoryDb`. */
    readonly memoryDb?: string | undefined;
    /** Context windows, `model=tokens,…` (`--context-window`, over `HEADROOM_CONTEXT_WINDOWS`). */
    readonly contextWindows?: string | undefined;
    /** Tokens per image, or `off` (`--image-budget`, over `HEADROOM_IMAGE_BUDGET`). */
    readonly imageBudget?: string | undefined;
  } & OutputShaperFlags,
): Promise<{
  options: ServeOptions;
  location: string;
  outputShaper: OutputShaperSettings | undefined;
  close(): Promise<void>;
}> {
  if (flags.memoryBudget !== undefined && !flags.memory)
    throw usageError('--memory-budget applies to --memory; add --memory');
  const upstreamAnthropic = flags.upstreamAnthropic ?? io.env.HEADROOM_UPSTREAM_ANTHROPIC;
  const upstreamOpenAI = flags.upstreamOpenAI ?? io.env.HEADROOM_UPSTREAM_OPENAI;
  const upstreamGemini = flags.upstreamGemini ?? io.env.HEADROOM_UPSTREAM_GEMINI;
  for (const [flag, value] of [
    ['--upstream-anthropic', upstreamAnthropic],
    ['--upstream-openai', upstreamOpenAI],
    ['--upstream-gemini', upstreamGemini],
  ] as const) {
    if (value !== undefined && !/^https?:\/\/[^/\s]+/.test(value))
      throw usageError(`${flag} takes an http(s) URL like https://api.openai.com (got '${value}')`);
  }
  const idleText = io.env.HEADROOM_UPSTREAM_IDLE_TIMEOUT_MS;
  const idleTimeoutMs = idleText === undefined ? undefined : Number(idleText);
  if (idleTimeoutMs !== undefined && !(Number.isInteger(idleTimeoutMs) && idleTimeoutMs > 0))
    throw usageError(`HEADROOM_UPSTREAM_IDLE_TIMEOUT_MS takes a number of milliseconds (got '${idleText}')`);
  const outputShaper = outputShaperSettings(io, flags);
  const contextWindows = contextWindowsOf(io, flags.contextWindows);
  const imageBudget = imageBudgetOf(io, flags.imageBudget);
  const storage = await openStorage(io, config, storageUrl(io, config, flags.store));
  const store = config.store.enabled ? storage.store : undefined;
  const firstSight = store ? storage.firstSight : undefined;
  if (flags.memoryDb !== undefined && !flags.memory) throw usageError('--memory-db applies to --memory; add --memory');
  const memories = flags.memory ? await proxyMemories(io, flags.memoryBudget, flags.memoryDb) : undefined;
  const pipeline = await assemblePipeline(io, { kompressDeadlineMs: PROXY_KOMPRESS_DEADLINE_MS });
  const warn = (message: string) => {
    io.stderr.write(`headroom: warning: ${message}\n`);
  };
  // The figures of /stats and the dashboard, added up where every proxy and wrapped session
  // sharing the storage counts (the machine's database, or a fleet's Redis): they continue across
  // restarts and never overwrite each other.
  const counters = storage.counters;
  if (storage.kind === 'sqlite') await importSavedStats(join(headroomHome(io.env), 'proxy-stats.json'), counters, warn);
  return {
    location: storage.location,
    outputShaper,
    options: {
      policy: config.policy,
      counters,
      onWarning: warn,
      ...(config.deadlineMs ? { deadlineMs: config.deadlineMs } : {}),
      ...(idleTimeoutMs ? { upstreamIdleTimeoutMs: idleTimeoutMs } : {}),
      // A token of the user's own, so scripts and `headroom stats` can keep using it across restarts.
      ...(io.env.HEADROOM_ADMIN_TOKEN ? { adminToken: io.env.HEADROOM_ADMIN_TOKEN } : {}),
      ...(upstreamAnthropic ? { upstreamAnthropic } : {}),
      ...(upstreamOpenAI ? { upstreamOpenAI } : {}),
      ...(upstreamGemini ? { upstreamGemini } : {}),
      components: () => ({ prose: pipeline.prose(), ...(memories ? { memory: memories.describe } : {}) }),
      health: async () => ({
        storage: await storage.health(),
        ...(memories ? { memory: await memories.health() } : {}),
      }),
      ...(pipeline.kompress ? { transforms: pipeline.transforms } : {}),
      ...(store ? { store } : {}),
      ...(firstSight ? { firstSight } : {}),
      ...(memories ? { memories: memories.memories } : {}),
      ...(outputShaper ? { outputShaper } : {}),
      ...(contextWindows ? { contextWindows } : {}),
      ...(imageBudget !== undefined ? { imageBudget } : {}),
    },
    close: async () => {
      await memories?.close();
      await pipeline.kompress?.close();
      await storage.close();
    },
  };
}

/** Where the proxies' figures are kept by default: the Headroom database, one for `headroom proxy` and every wrapped session. */
export function countersPath(env: NodeJS.ProcessEnv): string {
  return join(headroomHome(env), 'ccr.db');
}

/** The token budget per image from `--image-budget` or `HEADROOM_IMAGE_BUDGET`: a number, `off` (false), or the default (undefined). */
export function imageBudgetOf(io: CliIo, flag: string | undefined): number | false | undefined {
  const text = (flag ?? io.env.HEADROOM_IMAGE_BUDGET)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^(off|false|no|none)$/i.test(text)) return false;
  const tokens = Number(text);
  if (!Number.isInteger(tokens) || tokens < 85)
    throw usageError(`--image-budget takes a number of tokens of at least 85, or off (got '${text}')`);
  return tokens;
}

/**
 * Context windows over the built-in table, from `--context-window` or `HEADROOM_CONTEXT_WINDOWS`
 * (`model=tokens` separated by commas; `k` and `m` allowed, a prefix ending in `*` matches a family).
 */
export function contextWindowsOf(io: CliIo, flag: string | undefined): Record<string, number> | undefined {
  const text = flag ?? io.env.HEADROOM_CONTEXT_WINDOWS;
  if (text === undefined) return undefined;
  const { windows, bad } = parseContextWindows(text);
  if (bad !== undefined || !windows)
    throw usageError(
      `--context-window takes model=tokens, like claude-sonnet-4-6=200k or my-model=32768 (got '${bad}')`,
    );
  return windows;
}
