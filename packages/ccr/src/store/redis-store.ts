import { HeadroomError, type StoredOriginal, type StoreEntry, withoutPassword } from '@headroom/core';
import { Redis, type RedisOptions } from 'ioredis';
import {
  type CcrStore,
  DAY_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_RETENTION_MS,
  defaultWarn,
  type StoreOptions,
  type StoreStats,
} from './ccr-store.js';
import { encodingFor, storedBytes } from './encoding.js';

export interface RedisStoreOptions extends StoreOptions {
  /** `redis://[user:password@]host:port[/db]`, `rediss://…` or `redis+unix:///path/to/redis.sock`. */
  readonly url?: string;
  /** A client to use instead of one made from `url`; the store never closes a client it was given. */
  readonly client?: Redis;
  /**
   * Prefix of every key the store writes. Default `headroom:{ccr}:` — the braces keep all of a
   * store's keys in one Redis Cluster slot, which its scripts need.
   */
  readonly prefix?: string;
}

export const DEFAULT_REDIS_PREFIX = 'headroom:{ccr}:';

/**
 * Lua shared by the scripts. KEYS: lru (sorted set key → last access), sizes (hash key → stored
 * bytes), meta (hash of counters: bytes, hits, expired, evicted, young). ARGV[1] is the prefix of
 * entry hashes. An entry hash may vanish on its own (its TTL is the retention period, a safety net
 * behind the clock check), so sizes live apart from it and removal never needs the entry.
 */
const PRELUDE = `
local lru, sizes, meta, prefix = KEYS[1], KEYS[2], KEYS[3], ARGV[1]
local function remove(k)
  local e = prefix .. 'e:' .. k
  local b = tonumber(redis.call('HGET', sizes, k) or '0')
  local h = tonumber(redis.call('HGET', e, 'h') or '0')
  redis.call('DEL', e)
  redis.call('ZREM', lru, k)
  redis.call('HDEL', sizes, k)
  -- (0 - x, not -x: Lua writes -0 for a removed zero, which Redis does not take for an integer)
  redis.call('HINCRBY', meta, 'bytes', 0 - b)
  redis.call('HINCRBY', meta, 'hits', 0 - h)
end
local function sweep(now, retention)
  local old = redis.call('ZRANGEBYSCORE', lru, '-inf', '(' .. (now - retention))
  for _, k in ipairs(old) do
    remove(k)
    redis.call('HINCRBY', meta, 'expired', 1)
  end
end
`;

/**
 * ARGV: prefix, now, retention, cap, day, count, then per entry: key, original, encoding,
 * content type, tool name ('' with has-tool '0'), has-tool, tokens, bytes. Validates every entry
 * before writing any (all or nothing), sweeps expired entries, stores each new entry (an existing
 * one only counts as an access) and evicts least recently used ones past the cap. Returns how
 * many evicted entries were less than a day old.
 */
const PUT = `${PRELUDE}
local now, retention, cap, day, n = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
for i = 0, n - 1 do
  local size = tonumber(ARGV[7 + i * 8 + 7])
  if size > cap then return redis.error_reply('HEADROOM_TOO_LARGE ' .. size) end
end
sweep(now, retention)
local young = 0
for i = 0, n - 1 do
  local at = 7 + i * 8
  local k = ARGV[at]
  local e = prefix .. 'e:' .. k
  if redis.call('EXISTS', e) == 1 then
    redis.call('HSET', e, 'a', now)
    redis.call('ZADD', lru, now, k)
  else
    if redis.call('HEXISTS', sizes, k) == 1 then remove(k) end
    local size = tonumber(ARGV[at + 7])
    redis.call('HSET', e, 'o', ARGV[at + 1], 'enc', ARGV[at + 2], 'ct', ARGV[at + 3], 'tok', ARGV[at + 6],
      'c', now, 'a', now, 'h', 0)
    if ARGV[at + 5] == '1' then redis.call('HSET', e, 'tn', ARGV[at + 4]) end
    redis.call('ZADD', lru, now, k)
    redis.call('HSET', sizes, k, size)
    local total = redis.call('HINCRBY', meta, 'bytes', size)
    while total > cap do
      local victims = redis.call('ZRANGE', lru, 0, 1)
      local victim = victims[1]
      if victim == k then victim = victims[2] end
      if not victim then break end
      local created = tonumber(redis.call('HGET', prefix .. 'e:' .. victim, 'c') or now)
      remove(victim)
      redis.call('HINCRBY', meta, 'evicted', 1)
      if now - created < day then
        redis.call('HINCRBY', meta, 'young', 1)
        young = young + 1
      end
      total = tonumber(redis.call('HGET', meta, 'bytes'))
    end
  end
  redis.call('PEXPIRE', e, retention)
end
return young
`;

/** ARGV: prefix, key, now, retention. The entry's fields after one more access, or nil. */
const GET = `${PRELUDE}
local k, now, retention = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local e = prefix .. 'e:' .. k
local a = redis.call('HGET', e, 'a')
if not a or now - tonumber(a) > retention then
  if redis.call('HEXISTS', sizes, k) == 1 then
    remove(k)
    redis.call('HINCRBY', meta, 'expired', 1)
  end
  return nil
end
redis.call('HSET', e, 'a', now)
redis.call('HINCRBY', e, 'h', 1)
redis.call('HINCRBY', meta, 'hits', 1)
redis.call('ZADD', lru, now, k)
redis.call('PEXPIRE', e, retention)
return redis.call('HGETALL', e)
`;

/** ARGV: prefix, cutoff (entries last accessed before it go; '+inf' for all). Returns how many went. */
const PURGE = `${PRELUDE}
local old = redis.call('ZRANGEBYSCORE', lru, '-inf', '(' .. ARGV[2])
for _, k in ipairs(old) do remove(k) end
return #old
`;

/** ARGV: prefix, now, retention. Sweeps, then: entries, oldest access, and the counters. */
const STATS = `${PRELUDE}
sweep(tonumber(ARGV[2]), tonumber(ARGV[3]))
local oldest = redis.call('ZRANGE', lru, 0, 0, 'WITHSCORES')
return { redis.call('ZCARD', lru), oldest[2] or '', redis.call('HGET', meta, 'bytes') or '0',
  redis.call('HGET', meta, 'hits') or '0', redis.call('HGET', meta, 'expired') or '0',
  redis.call('HGET', meta, 'evicted') or '0', redis.call('HGET', meta, 'young') or '0' }
`;

type Script = (keys: string[], args: (string | number | Buffer)[]) => Promise<unknown>;

/**
 * The CCR store on Redis, for several Headroom processes (a fleet of proxies, an MCP server) that
 * must answer for each other's markers. Same contract as the SQLite store — exact bytes, one copy
 * per key, hits, sliding retention (and a Redis TTL of the retention period), the LRU size cap
 * with its young-eviction warning, all-or-nothing batches — each operation one atomic script.
 *
 * @example
 * import { createRedisStore } from '@headroom/ccr/redis'
 * const store = createRedisStore({ url: 'redis://127.0.0.1:6379' })
 */
export function createRedisStore(options: RedisStoreOptions = {}): CcrStore {
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const now = options.now ?? Date.now;
  const warn = options.onWarning ?? defaultWarn;
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const client = options.client ?? connectRedis(options.url ?? 'redis://127.0.0.1:6379', { onWarning: warn });
  const keys = [`${prefix}lru`, `${prefix}sizes`, `${prefix}meta`];
  const run = (lua: string): Script => {
    const name = `headroom_${hash(lua)}`;
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: 3, lua });
    const command = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[`${name}Buffer`];
    return (k, args) => (command as (...args: unknown[]) => Promise<unknown>).call(client, ...k, ...args);
  };
  const put = run(PUT);
  const get = run(GET);
  const purge = run(PURGE);
  const stats = run(STATS);

  const putMany = async (entries: readonly StoreEntry[]) => {
    if (entries.length === 0) return;
    const args: (string | number | Buffer)[] = [prefix, now(), retentionMs, maxBytes, DAY_MS, entries.length];
    for (const entry of entries) {
      const encoding = encodingFor(entry.original);
      args.push(
        entry.key,
        Buffer.from(entry.original, encoding),
        encoding,
        entry.contentType,
        entry.toolName ?? '',
        entry.toolName !== undefined ? '1' : '0',
        entry.tokens,
        storedBytes(entry.original),
      );
    }
    let young: number;
    try {
      young = Number(await put(keys, args));
    } catch (error) {
      const size = /HEADROOM_TOO_LARGE (\d+)/.exec(String((error as Error).message))?.[1];
      if (size) {
        throw new HeadroomError(
          'store_unavailable',
          `an original of ${size} bytes exceeds the store's ${maxBytes}-byte cap`,
        );
      }
      throw unavailable(error, location(options));
    }
    for (let i = 0; i < young; i++) {
      warn(`the CCR store's size cap (${maxBytes} bytes) forced out an entry less than a day old; raise the cap`);
    }
  };

  return {
    put: (entry) => putMany([entry]),
    putMany,
    async get(key) {
      const reply = (await get(keys, [prefix, key, now(), retentionMs]).catch((error) => {
        throw unavailable(error, location(options));
      })) as Buffer[] | null;
      return reply ? decodeEntry(key, reply) : undefined;
    },
    async purge(which) {
      const cutoff = 'all' in which ? '+inf' : String(now() - which.olderThanMs);
      return Number(await purge(keys, [prefix, cutoff]));
    },
    async *entries() {
      const keysInOrder = (await client.zrangebyscore(keys[0] as string, now() - retentionMs, '+inf')) as string[];
      for (const key of keysInOrder) {
        const flat = await client.hgetallBuffer(`${prefix}e:${key}`);
        if (Object.keys(flat).length) yield decodeEntry(key, Object.entries(flat).flat() as Buffer[]);
      }
    },
    async stats(): Promise<StoreStats> {
      const [entries, oldest, bytes, hits, expired, evicted, young] = (
        (await stats(keys, [prefix, now(), retentionMs])) as Buffer[]
      ).map((b) => String(b));
      return {
        entries: Number(entries),
        bytes: Number(bytes),
        maxBytes,
        retentionMs,
        hits: Number(hits),
        ...(oldest ? { oldestAccessAt: Number(oldest) } : {}),
        expired: Number(expired),
        evictedForSize: Number(evicted),
        evictedYoung: Number(young),
        location: location(options),
      };
    },
    async close() {
      if (!options.client) await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * A client that fails a command at once when a connection it had is lost (within seconds when it
 * never had one, within a second when Redis is slow) instead of queueing it, reconnects in the
 * background with a backoff capped at 2 s, and warns once per outage (when it first fails after
 * being up, or never came up), not once per attempt.
 */
export function connectRedis(
  url: string,
  options: { readonly onWarning?: (message: string) => void; readonly redis?: RedisOptions } = {},
): Redis {
  const socket = /^redis\+unix:\/\/(.+)$/.exec(url)?.[1];
  const settings: RedisOptions = {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    // A slow Redis costs a request at most this long per call; the segment then passes through.
    commandTimeout: 1000,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
    ...options.redis,
  };
  // (ioredis's option types do not allow an explicit undefined, which exactOptionalPropertyTypes checks)
  const client = socket ? new Redis({ path: socket, ...settings } as never) : new Redis(url, settings as never);
  const warn = options.onWarning ?? defaultWarn;
  let warned = false;
  let wasReady = false;
  const outage = (why: string) => {
    if (warned) return;
    warned = true;
    warn(`Redis at ${withoutPassword(url)} is unavailable (${why}); retrying`);
  };
  client.on('error', (error: Error) => outage(error.message));
  // A connection that was up and is lost (not closed by us: that never reconnects).
  client.on('reconnecting', () => {
    if (wasReady) outage('connection lost');
  });
  client.on('ready', () => {
    warned = false;
    wasReady = true;
    // Once connected, a lost connection fails calls at once instead of queueing them until the
    // next reconnect attempt: requests go through uncompressed without waiting on Redis. (Before
    // the first connection, calls wait for it, so a proxy's first requests are compressed.)
    if (options.redis?.enableOfflineQueue === undefined) client.options.enableOfflineQueue = false;
  });
  return client;
}

function decodeEntry(key: string, flat: readonly Buffer[]): StoredOriginal {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), flat[i + 1] as Buffer);
  const text = (name: string) => String(fields.get(name) ?? '');
  const encoding = text('enc') === 'utf16le' ? 'utf16le' : 'utf8';
  return {
    key,
    original: (fields.get('o') ?? Buffer.alloc(0)).toString(encoding),
    contentType: text('ct'),
    ...(fields.has('tn') ? { toolName: text('tn') } : {}),
    tokens: Number(text('tok')),
    createdAt: Number(text('c')),
    lastAccessAt: Number(text('a')),
    hits: Number(text('h')),
  };
}

/** Where the store lives, for `stats`: the URL without its password, and the prefix. */
function location(options: RedisStoreOptions): string {
  const url = options.url ?? (options.client ? 'redis (given client)' : 'redis://127.0.0.1:6379');
  return `${withoutPassword(url)} ${options.prefix ?? DEFAULT_REDIS_PREFIX}`;
}

function unavailable(error: unknown, where: string): HeadroomError {
  return new HeadroomError('store_unavailable', `Redis at ${where} did not answer: ${(error as Error).message}`, {
    cause: error,
  });
}

/** A short stable name for a script (FNV-1a of its text). */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
