import type { FirstSight, FirstSightMemory } from '@headroom/core';
import type { Redis } from 'ioredis';
import { DEFAULT_RETENTION_MS } from './ccr-store.js';
import { connectRedis } from './redis-store.js';

export interface RedisFirstSightOptions {
  /** `redis://…` or `redis+unix:///path`; see `createRedisStore`. */
  readonly url?: string;
  /** A client to use instead of one made from `url`; never closed by this memory. */
  readonly client?: Redis;
  /** Key prefix. Default `headroom:{fs}:`. */
  readonly prefix?: string;
  /** How long a form is kept after it was last used. Default seven days, like the store's originals. */
  readonly retentionMs?: number;
  readonly onWarning?: (message: string) => void;
}

export interface RedisFirstSight extends FirstSightMemory {
  get(key: string): Promise<FirstSight | undefined>;
  set(key: string, value: FirstSight): Promise<FirstSight | undefined>;
  close(): Promise<void>;
}

/**
 * First sights in Redis, shared by a fleet: a session that moves between proxies gets the same
 * form from each, and two proxies that see a new segment at once agree on one form — the set is
 * `SET … NX GET`, so the second learns the first's form and sends that. Each form expires a
 * retention period after its last use.
 *
 * @example
 * const proxy = createProxy({ firstSight: createRedisFirstSight({ url }), store: createRedisStore({ url }) })
 */
export function createRedisFirstSight(options: RedisFirstSightOptions = {}): RedisFirstSight {
  const client =
    options.client ??
    connectRedis(options.url ?? 'redis://127.0.0.1:6379', {
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    });
  const prefix = options.prefix ?? 'headroom:{fs}:';
  const ttl = options.retentionMs ?? DEFAULT_RETENTION_MS;
  return {
    async get(key) {
      const json = await client.getex(prefix + key, 'PX', ttl);
      return json === null ? undefined : (JSON.parse(json) as FirstSight);
    },
    async set(key, value) {
      const form: FirstSight = {
        text: value.text,
        ...(value.via !== undefined ? { via: value.via } : {}),
        ...(value.skipped !== undefined ? { skipped: value.skipped } : {}),
      };
      // JSON keeps lone surrogates exactly (as \\uD800 escapes), which a UTF-8 value would not.
      const earlier = await client.set(prefix + key, JSON.stringify(form), 'PX', ttl, 'NX', 'GET');
      return earlier === null ? undefined : (JSON.parse(earlier) as FirstSight);
    },
    async close() {
      if (!options.client) await client.quit().catch(() => client.disconnect());
    },
  };
}
