import { openHeadroomDatabase } from '@headroom/ccr/sqlite';
import type Database from 'better-sqlite3';

/** What the MCP tools have done: kept per process (this session) and in the database (lifetime). */
export interface McpFigures {
  readonly compressions: number;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly retrievals: number;
  readonly memoriesSaved: number;
  readonly memorySearches: number;
}

const NAMES: readonly (keyof McpFigures)[] = [
  'compressions',
  'tokensBefore',
  'tokensAfter',
  'retrievals',
  'memoriesSaved',
  'memorySearches',
];

export const ZERO: McpFigures = Object.fromEntries(NAMES.map((n) => [n, 0])) as unknown as McpFigures;

/**
 * Lifetime figures in the machine's Headroom database, added to atomically, so every MCP server
 * on the machine (one per agent) counts into the same totals without losing an update.
 */
export class LifetimeCounters {
  private readonly db: Database.Database;
  private readonly add: Database.Statement<[string, number]>;

  constructor(path: string, warn?: (message: string) => void) {
    this.db = openHeadroomDatabase(path, warn ? { onWarning: warn } : {});
    this.db.exec('CREATE TABLE IF NOT EXISTS mcp_counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)');
    this.add = this.db.prepare(
      'INSERT INTO mcp_counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    );
  }

  record(delta: Partial<McpFigures>): void {
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(delta)) if (value) this.add.run(name, value);
    })();
  }

  read(): McpFigures {
    const rows = this.db.prepare('SELECT name, value FROM mcp_counters').all() as { name: string; value: number }[];
    const found = new Map(rows.map((r) => [r.name, r.value]));
    return Object.fromEntries(NAMES.map((n) => [n, found.get(n) ?? 0])) as unknown as McpFigures;
  }

  close(): void {
    this.db.close();
  }
}
