import type { CcrStore } from '@headroom/ccr';
import { createSqliteStore, defaultStorePath } from '@headroom/ccr/sqlite';
import type { Transform } from '@headroom/core';
import { createSharpCodec } from '@headroom/crushers/node';
import { type Embedder, type Memory, openMemory } from '@headroom/memory';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { LifetimeCounters } from './counters.js';
import { createHeadroomMcpServer, SessionFigures } from './server.js';

export { LifetimeCounters, type McpFigures } from './counters.js';
export { createHeadroomMcpServer, type HeadroomMcpOptions, SessionFigures } from './server.js';
export { type McpHttpOptions, type RunningMcpHttp, serveMcpHttp, serveMcpStdio } from './transports.js';

export interface HeadroomMcpResources {
  /** A new server on the shared store, memory and figures (one per stdio process or HTTP session). */
  createServer(): McpServer;
  close(): Promise<void>;
}

/**
 * Opens what the servers share — the store, the memory and the lifetime figures, all in the
 * machine's Headroom database (`$HEADROOM_HOME/ccr.db`, the proxy's file) — and makes servers on it.
 *
 * @example
 * const headroom = openHeadroomMcp()
 * await serveMcpStdio(headroom.createServer())
 */
export function openHeadroomMcp(
  options: {
    readonly path?: string;
    readonly project?: string;
    readonly onWarning?: (message: string) => void;
    /** Adds semantic memory search (see `createEmbedder` in `@headroom/kompress`). */
    readonly embedder?: Embedder;
    /** The compressors `headroom_compress` uses (default: every crusher), and their deadline. */
    readonly transforms?: readonly Transform[];
    readonly deadlineMs?: number;
    /**
     * The store of originals, when it is not the SQLite file at `path` (a fleet's Redis store from
     * `@headroom/ccr/redis`). The caller opened it and closes it.
     */
    readonly store?: CcrStore;
    /** The shared memory, when it is not the SQLite file at `path` (a team's PostgreSQL one). The caller closes it. */
    readonly memory?: Memory;
  } = {},
): HeadroomMcpResources {
  const path = options.path ?? defaultStorePath();
  const warn = options.onWarning ? { onWarning: options.onWarning } : {};
  const store = options.store ?? createSqliteStore({ path, ...warn });
  const memory =
    options.memory ?? openMemory({ path, ...warn, ...(options.embedder ? { embedder: options.embedder } : {}) });
  const lifetime = new LifetimeCounters(path, options.onWarning);
  const figures = new SessionFigures();
  // sharp loads at the first image retrieved, never before.
  const imageCodec = createSharpCodec();
  return {
    createServer: () =>
      createHeadroomMcpServer({
        store,
        memory,
        lifetime,
        figures,
        ...(options.project ? { project: options.project } : {}),
        ...(options.transforms ? { transforms: options.transforms } : {}),
        ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
        imageCodec,
      }),
    close: async () => {
      lifetime.close();
      if (!options.memory) await memory.close();
      if (!options.store) await store.close();
    },
  };
}
