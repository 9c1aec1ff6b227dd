import type { CcrStore } from '@headroom/ccr';
import { createSqliteStore, defaultStorePath } from '@headroom/ccr/sqlite';
import type { CliConfig } from './config.js';
import type { CliIo } from './io.js';

/** The default SQLite store under HEADROOM_HOME, with warnings as one-line stderr messages. */
export function openStore(io: CliIo, config: CliConfig): CcrStore {
  return createSqliteStore({
    path: defaultStorePath(io.env),
    ...(config.store.retentionMs ? { retentionMs: config.store.retentionMs } : {}),
    ...(config.store.maxBytes ? { maxBytes: config.store.maxBytes } : {}),
    onWarning: (message) => io.stderr.write(`headroom: ${message}\n`),
  });
}
