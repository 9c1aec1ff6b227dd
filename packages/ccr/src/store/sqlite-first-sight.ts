import type { FirstSight, FirstSightMemory } from '@headroom/core';
import Database from 'better-sqlite3';
import { encodingFor } from './encoding.js';
import { migrate } from './sqlite-schema.js';
import { defaultStorePath } from './sqlite-store.js';

export interface SqliteFirstSightOptions {
  /** Database file; the same file as the store by default (`$HEADROOM_HOME/ccr.db`). */
  readonly path?: string;
  /** Most segments remembered; the least recently used go first. Default 200,000. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export interface SqliteFirstSight extends FirstSightMemory {
  readonly size: number;
  close(): void;
}

/**
 * First sights kept in SQLite: what each segment became the first time it was seen, so a proxy
 * that restarts still sends a session's history upstream in exactly the bytes it sent before,
 * and the provider's prompt cache survives the restart. Bounded by entry count, LRU.
 *
 * @example
 * const proxy = createProxy({ firstSight: createSqliteFirstSight() })
 */
export function createSqliteFirstSight(options: SqliteFirstSightOptions = {}): SqliteFirstSight {
  const db = new Database(options.path ?? defaultStorePath(), { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  migrate(db);
  const maxEntries = options.maxEntries ?? 200_000;
  const now = options.now ?? Date.now;
  const q = {
    get: db.prepare<[string], Row>('SELECT text, skipped, via FROM first_sight WHERE key = ?'),
    touch: db.prepare('UPDATE first_sight SET last_used = ? WHERE key = ?'),
    insert: db.prepare('INSERT OR IGNORE INTO first_sight (key, text, skipped, via, last_used) VALUES (?, ?, ?, ?, ?)'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM first_sight'),
    trim: db.prepare('DELETE FROM first_sight WHERE key IN (SELECT key FROM first_sight ORDER BY last_used LIMIT ?)'),
  };
  let writes = 0;
  return {
    get(key) {
      const row = q.get.get(key);
      if (!row) return undefined;
      q.touch.run(now(), key);
      return formOf(row);
    },
    set(key, value) {
      const inserted =
        q.insert.run(key, storable(value.text), value.skipped ?? null, value.via ?? null, now()).changes > 0;
      if (!inserted) {
        // Another process (or an earlier call) saw it first: its form is the one kept.
        const row = q.get.get(key);
        if (row) return formOf(row);
      }
      // Trimming now and then keeps writes cheap while the table stays near its bound.
      if (++writes % 256 === 0) {
        const excess = (q.count.get()?.n ?? 0) - maxEntries;
        if (excess > 0) q.trim.run(excess);
      }
      return undefined;
    },
    get size() {
      return q.count.get()?.n ?? 0;
    },
    close: () => db.close(),
  };
}

interface Row {
  text: string | Buffer;
  skipped: string | null;
  via: string | null;
}

/**
 * A form as SQLite keeps it exactly: text as UTF-8, or — when it holds lone surrogates, which
 * UTF-8 cannot carry — its UTF-16 code units as a blob.
 */
function storable(text: string): string | Buffer {
  return encodingFor(text) === 'utf8' ? text : Buffer.from(text, 'utf16le');
}

function formOf(row: Row): FirstSight {
  return {
    text: typeof row.text === 'string' ? row.text : row.text.toString('utf16le'),
    ...(row.skipped ? { skipped: row.skipped as FirstSight['skipped'] & string } : {}),
    ...(row.via ? { via: row.via } : {}),
  };
}
