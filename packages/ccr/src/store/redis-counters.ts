import type { Redis } from 'ioredis';
import { connectRedis } from './redis-store.js';
import type { CounterRow } from './sqlite-counters.js';

export interface RedisCountersOptions {
  readonly url?: string;
  /** A client to use instead of one made from `url`; never closed by the counters. */
  readonly client?: Redis;
  /** Key prefix. Default `headroom:{counters}:`. */
  readonly prefix?: string;
  /** This process's name in the fleet (default: host name and process id), for per-replica figures. */
  readonly replica?: string;
  readonly onWarning?: (message: string) => void;
}

export interface RedisCounters {
  /** Adds to the fleet's totals and to this replica's, in one transaction. */
  add(increments: readonly CounterRow[]): Promise<void>;
  /** The fleet's totals: every replica's increments added up. */
  read(): Promise<readonly CounterRow[]>;
  /** Each replica's own totals, by replica name. */
  readReplicas(): Promise<ReadonlyMap<string, readonly CounterRow[]>>;
  close(): Promise<void>;
}

const SEPARATOR = '\u0000';

/**
 * The proxies' figures in Redis: atomic `HINCRBY`s into one hash for the fleet and one per
 * replica, so N proxies behind a load balancer show one set of figures — and each its share —
 * and none ever overwrites another's counts. Give it a client without a command timeout (or let it
 * make its own).
 */
export function createRedisCounters(options: RedisCountersOptions = {}): RedisCounters {
  // No command timeout: the counters are written in the background, and a transaction that timed
  // out may still have been applied — retrying it would count everything twice.
  const client =
    options.client ??
    connectRedis(options.url ?? 'redis://127.0.0.1:6379', {
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      redis: { commandTimeout: undefined } as never,
    });
  const prefix = options.prefix ?? 'headroom:{counters}:';
  const replica = options.replica ?? `${process.env.HOSTNAME ?? 'host'}-${process.pid}`;
  const fleet = `${prefix}fleet`;
  const replicas = `${prefix}replicas`;
  const own = `${prefix}replica:${replica}`;
  const field = (r: CounterRow) => [r.day, r.agent, r.model, r.name].join(SEPARATOR);
  const rows = (hash: Record<string, string>): CounterRow[] =>
    Object.entries(hash).map(([key, value]) => {
      const [day = '', agent = '', model = '', name = ''] = key.split(SEPARATOR);
      return { day, agent, model, name, value: Number(value) };
    });
  return {
    async add(increments) {
      if (increments.length === 0) return;
      const tx = client.multi().sadd(replicas, replica);
      for (const row of increments) {
        // Integral counters (tokens, requests) add exactly; milliseconds may carry fractions.
        const add = Number.isInteger(row.value) ? 'hincrby' : 'hincrbyfloat';
        tx[add](fleet, field(row), row.value);
        tx[add](own, field(row), row.value);
      }
      const results = await tx.exec();
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
    },
    async read() {
      return rows(await client.hgetall(fleet));
    },
    async readReplicas() {
      const names = (await client.smembers(replicas)).sort();
      const all = await Promise.all(names.map((name) => client.hgetall(`${prefix}replica:${name}`)));
      return new Map(names.map((name, i) => [name, rows(all[i] ?? {})]));
    },
    async close() {
      if (!options.client) await client.quit().catch(() => client.disconnect());
    },
  };
}
