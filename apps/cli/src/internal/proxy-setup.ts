import { createSqliteFirstSight, defaultStorePath } from '@headroom/ccr/sqlite';
import type { ProxyOptions } from '@headroom/proxy';
import { usageError } from './cli-error.js';
import type { CliConfig } from './config.js';
import type { CliIo } from './io.js';
import { proxyMemories } from './proxy-memories.js';
import { openStore } from './store.js';
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
  flags: { readonly memory?: boolean | undefined; readonly memoryBudget?: string | undefined },
): Promise<{ options: ProxyOptions; close(): Promise<void> }> {
  if (flags.memoryBudget !== undefined && !flags.memory)
    throw usageError('--memory-budget applies to --memory; add --memory');
  const store = config.store.enabled ? openStore(io, config) : undefined;
  const firstSight = store ? createSqliteFirstSight({ path: defaultStorePath(io.env) }) : undefined;
  const memories = flags.memory ? await proxyMemories(io, flags.memoryBudget) : undefined;
  const pipeline = await assemblePipeline(io, { kompressDeadlineMs: PROXY_KOMPRESS_DEADLINE_MS });
  return {
    options: {
      policy: config.policy,
      components: () => ({ prose: pipeline.prose() }),
      ...(pipeline.kompress ? { transforms: pipeline.transforms } : {}),
      ...(store ? { store } : {}),
      ...(firstSight ? { firstSight } : {}),
      ...(memories ? { memories: memories.memories } : {}),
    },
    close: async () => {
      firstSight?.close();
      memories?.close();
      await pipeline.kompress?.close();
      store?.close();
    },
  };
}
