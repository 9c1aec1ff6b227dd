import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HeadroomError, headroomHome, type StoredOriginal, type StoreEntry } from '@headroom/core';
import Database from 'better-sqlite3';
import {
  type CcrStore,
  DAY_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_RETENTION_MS,
  defaultWarn,
  type StoreOptions,
  type StoreStats,
} from './ccr-store.js';
import { encodingFor, type StoredEncoding } from './encoding.js';
import { assertKnownSchema, migrate, NewerSchemaError } from './sqlite-schema.js';

export interface SqliteStoreOptions extends StoreOptions {
  /** Database file. Default `$HEADROOM_HOME/ccr.db` (`~/.headroom/ccr.db`). */
  readonly path?: string;
  /** How long a writer waits for another process's lock before failing. Default 5,000 ms. */
  readonly busyTimeoutMs?: number;
}

export { headroomHome };

/** The default database path: `$HEADROOM_HOME/ccr.db`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(headroomHome(env), 'ccr.db');
}

interface Row {
  key: string;
  original: Buffer;
  encoding: StoredEncoding;
  content_type: string;
  tool_name: string | null;
  tokens: number;
  created_at: number;
  last_access_at: number;
  hits: number;
}

/** SQLite errors that mean the file is not a usable database (as opposed to, say, a busy lock). */
const UNUSABLE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN', 'SQLITE_IOERR_SHORT_READ']);

/**
 * The default store: one SQLite file (WAL, busy timeout) that survives restarts and is shared
 * safely by every Headroom process on the machine — CLI, proxy, MCP server. The directory is
 * created owner-only (0700) and the file 0600. A corrupt or unreadable file is moved aside with
 * a warning and a fresh one is created; nothing is silently overwritten.
 *
 * @example
 * import { createSqliteStore } from '@headroom/ccr/sqlite'
 * const store = createSqliteStore() // ~/.headroom/ccr.db
 */
export function createSqliteStore(options: SqliteStoreOptions = {}): CcrStore {
  const path = options.path ?? defaultStorePath();
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const now = options.now ?? Date.now;
  const warn = options.onWarning ?? defaultWarn;
  const db = openHeadroomDatabase(path, { busyTimeoutMs: options.busyTimeoutMs ?? 5000, onWarning: warn });

  const q = {
    touch: db.prepare('UPDATE originals SET last_access_at = ? WHERE key = ?'),
    insert: db.prepare(
      `INSERT INTO originals (key, original, encoding, bytes, content_type, tool_name, tokens, created_at, last_access_at, hits)
       VALUES (@key, @original, @encoding, @bytes, @contentType, @toolName, @tokens, @at, @at, 0)`,
    ),
    select: db.prepare<[string], Row>('SELECT * FROM originals WHERE key = ?'),
    hit: db.prepare('UPDATE originals SET last_access_at = ?, hits = hits + 1 WHERE key = ?'),
    delete: db.prepare('DELETE FROM originals WHERE key = ?'),
    deleteOlder: db.prepare('DELETE FROM originals WHERE last_access_at < ?'),
    deleteAll: db.prepare('DELETE FROM originals'),
    counter: db.prepare<[string], { value: number }>('SELECT value FROM counters WHERE name = ?'),
    bump: db.prepare('UPDATE counters SET value = value + ? WHERE name = ?'),
    lru: db.prepare<[string], { key: string; created_at: number }>(
      'SELECT key, created_at FROM originals WHERE key <> ? ORDER BY last_access_at LIMIT 64',
    ),
    keysByAccess: db.prepare<[number], { key: string }>(
      'SELECT key FROM originals WHERE last_access_at >= ? ORDER BY last_access_at, key',
    ),
    summary: db.prepare<[], { entries: number; hits: number | null; oldest: number | null }>(
      'SELECT count(*) AS entries, sum(hits) AS hits, min(last_access_at) AS oldest FROM originals',
    ),
  };
  const counter = (name: string) => q.counter.get(name)?.value ?? 0;

  const sweepExpired = (at: number) => {
    const { changes } = q.deleteOlder.run(at - retentionMs);
    if (changes) q.bump.run(changes, 'expired');
  };

  const enforceCap = (keep: string, at: number) => {
    let young = 0;
    while (counter('bytes') > maxBytes) {
      const victims = q.lru.all(keep);
      if (victims.length === 0) break;
      for (const victim of victims) {
        q.delete.run(victim.key);
        q.bump.run(1, 'evicted_for_size');
        if (at - victim.created_at < DAY_MS) young++;
        if (counter('bytes') <= maxBytes) break;
      }
    }
    if (young) {
      q.bump.run(young, 'evicted_young');
      warn(
        `the CCR store's size cap (${maxBytes} bytes) forced out ${young} entries less than a day old; raise the cap`,
      );
    }
  };

  const putOne = (entry: StoreEntry, at: number) => {
    if (q.touch.run(at, entry.key).changes) return;
    const encoding = encodingFor(entry.original);
    const original = Buffer.from(entry.original, encoding);
    if (original.length > maxBytes) {
      throw new HeadroomError(
        'store_unavailable',
        `an original of ${original.length} bytes exceeds the store's ${maxBytes}-byte cap`,
      );
    }
    q.insert.run({
      key: entry.key,
      original,
      encoding,
      bytes: original.length,
      contentType: entry.contentType,
      toolName: entry.toolName ?? null,
      tokens: entry.tokens,
      at,
    });
    enforceCap(entry.key, at);
  };

  const putMany = db.transaction((entries: readonly StoreEntry[]) => {
    const at = now();
    sweepExpired(at);
    for (const entry of entries) putOne(entry, at);
  });

  const get = db.transaction((key: string): StoredOriginal | undefined => {
    const at = now();
    const row = q.select.get(key);
    if (!row) return undefined;
    if (at - row.last_access_at > retentionMs) {
      q.delete.run(key);
      q.bump.run(1, 'expired');
      return undefined;
    }
    q.hit.run(at, key);
    return { ...originalOf(row), lastAccessAt: at, hits: row.hits + 1 };
  });

  return {
    put: async (entry) => putMany.immediate([entry]),
    putMany: async (entries) => putMany.immediate(entries),
    get: async (key) => get.immediate(key),
    async purge(options) {
      const run = db.transaction(() =>
        'all' in options ? q.deleteAll.run().changes : q.deleteOlder.run(now() - options.olderThanMs).changes,
      );
      return run.immediate();
    },
    async *entries() {
      // Keys first, then one row at a time: a store of gigabytes is never held in memory at once.
      for (const { key } of q.keysByAccess.all(now() - retentionMs)) {
        const row = q.select.get(key);
        if (row) yield originalOf(row);
      }
    },
    async stats(): Promise<StoreStats> {
      const summary = q.summary.get() ?? { entries: 0, hits: 0, oldest: null };
      return {
        entries: summary.entries,
        bytes: counter('bytes'),
        maxBytes,
        retentionMs,
        hits: summary.hits ?? 0,
        ...(summary.oldest !== null ? { oldestAccessAt: summary.oldest } : {}),
        expired: counter('expired'),
        evictedForSize: counter('evicted_for_size'),
        evictedYoung: counter('evicted_young'),
        location: path,
      };
    },
    close: async () => {
      db.close();
    },
  };
}

function originalOf(row: Row): StoredOriginal {
  return {
    key: row.key,
    original: row.original.toString(row.encoding),
    contentType: row.content_type,
    ...(row.tool_name !== null ? { toolName: row.tool_name } : {}),
    tokens: row.tokens,
    createdAt: row.created_at,
    lastAccessAt: row.last_access_at,
    hits: row.hits,
  };
}

/**
 * Opens (creating if needed) a Headroom database file: owner-only, WAL, busy timeout, the CCR
 * schema migrated, a newer Headroom's file refused untouched, an unusable file moved aside with a
 * warning. Other Headroom packages (memory) keep their tables in the same file.
 */
export function openHeadroomDatabase(
  path: string,
  options: { readonly busyTimeoutMs?: number; readonly onWarning?: (message: string) => void } = {},
): Database.Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const warn = options.onWarning ?? defaultWarn;
  prepareFile(path);
  try {
    return configure(new Database(path, { timeout: busyTimeoutMs }));
  } catch (error) {
    if (error instanceof NewerSchemaError) {
      throw new HeadroomError(
        'store_unavailable',
        `${path}: ${error.message}; upgrade Headroom or point HEADROOM_HOME elsewhere`,
        {
          cause: error,
        },
      );
    }
    const code = (error as { code?: string }).code ?? '';
    if (!UNUSABLE.has(code)) throw error;
    const aside = `${path}.unusable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    }
    warn(`${path} was not a usable database (${code}); moved it to ${aside} and started a fresh store`);
    prepareFile(path);
    return configure(new Database(path, { timeout: busyTimeoutMs }));
  }
}

function configure(db: Database.Database): Database.Database {
  try {
    // Check the version before anything writes: a newer Headroom's file must stay byte-identical.
    assertKnownSchema(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Creates the directory (0700) and an empty file (0600) before SQLite does, so both are owner-only. */
function prepareFile(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(path)) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
    chmodSync(path, 0o600); // the process umask may have masked bits off, never on; make it exact
  } catch (error) {
    // Another process created it between the check and the open: theirs is as good as ours.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
