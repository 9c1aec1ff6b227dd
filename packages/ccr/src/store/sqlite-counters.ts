import { defaultStorePath, openHeadroomDatabase } from './sqlite-store.js';

/** One counter's increment (or total) for a day, agent and model; see `CounterStore` in `@headroom/proxy`. */
export interface CounterRow {
  readonly day: string;
  readonly agent: string;
  readonly model: string;
  readonly name: string;
  readonly value: number;
}

export interface SqliteCountersOptions {
  /** Database file; the same file as the store by default (`$HEADROOM_HOME/ccr.db`). */
  readonly path?: string;
  readonly onWarning?: (message: string) => void;
}

export interface SqliteCounters {
  add(increments: readonly CounterRow[]): Promise<void>;
  read(): Promise<readonly CounterRow[]>;
  close(): void;
}

/**
 * The proxies' counters in SQLite: each write adds to the stored totals in one transaction
 * (`value = value + ?`), so any number of processes on the machine — `headroom proxy`, every
 * `headroom wrap` session — count into the same figures and none overwrites another.
 *
 * @example
 * const proxy = createProxy({ counters: createSqliteCounters() })
 */
export function createSqliteCounters(options: SqliteCountersOptions = {}): SqliteCounters {
  const db = openHeadroomDatabase(options.path ?? defaultStorePath(), {
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const upsert = db.prepare(
    `INSERT INTO usage_counters (day, agent, model, name, value) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (day, agent, model, name) DO UPDATE SET value = value + excluded.value`,
  );
  const all = db.prepare<[], CounterRow>('SELECT day, agent, model, name, value FROM usage_counters');
  // IMMEDIATE: the write lock is taken at the start, so a busy database waits (busy timeout) instead of failing mid-way.
  const addAll = db.transaction((rows: readonly CounterRow[]) => {
    for (const row of rows) upsert.run(row.day, row.agent, row.model, row.name, row.value);
  });
  return {
    add: async (increments) => {
      if (increments.length) addAll.immediate(increments);
    },
    read: async () => all.all(),
    close: () => db.close(),
  };
}
