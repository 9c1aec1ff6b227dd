/**
 * The proxy's figures as counters: named numbers per day, agent and model, only ever added to.
 * Added up in a store that several processes share (SQLite by default, see
 * `createSqliteCounters` in `@headroom/ccr/sqlite`), two proxies on one machine — or a proxy and
 * every `headroom wrap` session — count into the same totals and never overwrite each other.
 */
export interface CounterIncrement {
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /** The client, from its user-agent (`claude-cli`, `codex_exec`, `opencode`…), or `unknown`. */
  readonly agent: string;
  /** The model the request named, or `unknown`. */
  readonly model: string;
  /** `requests`, `tokensBefore`, `passedThrough.not-json`, `transform.log-crusher.segments`… */
  readonly name: string;
  readonly value: number;
}

export interface CounterStore {
  /** Adds every increment, all or none, atomically with respect to other processes. */
  add(increments: readonly CounterIncrement[]): Promise<void>;
  /** Every counter's total so far, per day, agent and model. */
  read(): Promise<readonly CounterIncrement[]>;
  /** Where several processes count into one store (a fleet on Redis): each one's own totals, by name. */
  readReplicas?(): Promise<ReadonlyMap<string, readonly CounterIncrement[]>>;
  close?(): void | Promise<void>;
}

/** Counters in this process's memory: for tests and for a library user who keeps none. */
export class MemoryCounters implements CounterStore {
  private readonly rows = new Map<string, CounterIncrement>();

  async add(increments: readonly CounterIncrement[]): Promise<void> {
    sumInto(this.rows, increments);
  }

  async read(): Promise<readonly CounterIncrement[]> {
    return [...this.rows.values()];
  }
}

/** Adds increments into a map keyed by day, agent, model and name. */
export function sumInto(rows: Map<string, CounterIncrement>, increments: Iterable<CounterIncrement>): void {
  for (const row of increments) {
    const key = `${row.day}\u0000${row.agent}\u0000${row.model}\u0000${row.name}`;
    const had = rows.get(key);
    rows.set(key, had ? { ...had, value: had.value + row.value } : row);
  }
}

/** Who sent a request, as the first product of its user-agent: `claude-cli/2.1 (…)` → `claude-cli`. */
export function agentOf(userAgent: string | null | undefined): string {
  const product = (userAgent ?? '').trim().split(/[\s/]/)[0] ?? '';
  const name = product.toLowerCase().replace(/[^a-z0-9._-]/g, '');
  return name ? name.slice(0, 40) : 'unknown';
}

/** The model a request body names, kept short and printable. */
export function modelOf(body: unknown): string {
  const model = (body as { model?: unknown } | null)?.model;
  return typeof model === 'string' && model ? model.replace(/[^\w.:/@-]/g, '').slice(0, 80) || 'unknown' : 'unknown';
}

/** `YYYY-MM-DD` of a time, in UTC: a day means the same on every machine of a team. */
export function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
