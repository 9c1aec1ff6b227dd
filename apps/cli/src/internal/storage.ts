import { join, resolve } from 'node:path';
import type { CcrStore } from '@headroom/ccr';
import type { FirstSightMemory } from '@headroom/core';
import { headroomHome, withoutPassword } from '@headroom/core';
import type { CounterStore } from '@headroom/proxy';
import { answersWithin } from './answers-within.js';
import { usageError } from './cli-error.js';
import type { CliConfig } from './config.js';
import type { CliIo } from './io.js';

/**
 * Where originals, first sights and the proxy's figures live, opened from one URL — the one place
 * that decides it for the proxy, the MCP server and every CLI command. Libraries receive these.
 *
 * - `sqlite:` (default) or `sqlite:/path/ccr.db`: one file on this machine, shared by its processes;
 * - `memory:`: this process only, gone when it exits;
 * - `redis://[user:password@]host:port[/db]`, `rediss://…`, `redis+unix:///path.sock`: shared by a
 *   fleet of proxies on several machines.
 */
export interface Storage {
  /** The URL without its password (a file path for SQLite), for messages and `/health`. */
  readonly location: string;
  readonly kind: 'sqlite' | 'memory' | 'redis';
  readonly store: CcrStore;
  /** Opened on first use: commands that only store and retrieve never pay for them. */
  readonly firstSight: FirstSightMemory;
  readonly counters: CounterStore;
  /** Whether the storage answers now (a ping to Redis; a local file always does). */
  health(): Promise<{ readonly ok: boolean; readonly detail: string }>;
  /** Closes whatever was opened. */
  close(): Promise<void>;
}

interface Opened {
  readonly location: string;
  readonly kind: Storage['kind'];
  store(): CcrStore;
  firstSight(): FirstSightMemory & { close?(): unknown };
  counters(): CounterStore;
  /** Answers when the storage is reachable, throws when it is not. Local storage has nothing to check. */
  ping?(): Promise<void>;
  /** Closes what the parts share (a Redis connection), after the parts. */
  closeShared?(): Promise<void>;
}

/** The storage URL: `--store`, else HEADROOM_STORE, else `store.url` in the config, else `sqlite:` (the Headroom database). */
export function storageUrl(io: CliIo, config: CliConfig, flag: string | undefined): string {
  return flag ?? io.env.HEADROOM_STORE ?? config.store.url ?? 'sqlite:';
}

export async function openStorage(io: CliIo, config: CliConfig, url: string): Promise<Storage> {
  const opened = await open(io, config, url);
  const parts: { close?(): unknown }[] = [];
  const once = <T extends object>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => {
      if (!made) {
        made = make();
        parts.push(made as { close?(): unknown });
      }
      return made;
    };
  };
  const store = once(opened.store);
  const firstSight = once(opened.firstSight);
  const counters = once(opened.counters);
  return {
    location: opened.location,
    kind: opened.kind,
    get store() {
      return store();
    },
    get firstSight() {
      return firstSight();
    },
    get counters() {
      return counters();
    },
    async health() {
      try {
        await opened.ping?.();
        return { ok: true, detail: `${opened.kind} ${opened.location}` };
      } catch (error) {
        return { ok: false, detail: `${opened.kind} ${opened.location}: ${(error as Error).message}` };
      }
    },
    async close() {
      for (const part of parts.reverse()) await part.close?.();
      await opened.closeShared?.();
    },
  };
}

async function open(io: CliIo, config: CliConfig, url: string): Promise<Opened> {
  const onWarning = (message: string) => {
    io.stderr.write(`headroom: warning: ${message}\n`);
  };
  const limits = {
    ...(config.store.retentionMs ? { retentionMs: config.store.retentionMs } : {}),
    ...(config.store.maxBytes ? { maxBytes: config.store.maxBytes } : {}),
  };
  if (url.startsWith('sqlite:')) {
    const path =
      url === 'sqlite:' ? join(headroomHome(io.env), 'ccr.db') : resolve(io.cwd, url.slice('sqlite:'.length));
    const sqlite = await import('@headroom/ccr/sqlite');
    return {
      location: path,
      kind: 'sqlite',
      store: () => sqlite.createSqliteStore({ path, ...limits, onWarning }),
      firstSight: () => sqlite.createSqliteFirstSight({ path }),
      counters: () => sqlite.createSqliteCounters({ path, onWarning }),
    };
  }
  if (url === 'memory:') {
    const [{ createMemoryStore }, { FirstSightCache }, { MemoryCounters }] = await Promise.all([
      import('@headroom/ccr'),
      import('@headroom/core'),
      import('@headroom/proxy'),
    ]);
    return {
      location: 'memory',
      kind: 'memory',
      store: () => createMemoryStore({ ...limits, onWarning }),
      firstSight: () => new FirstSightCache(),
      counters: () => new MemoryCounters(),
    };
  }
  if (/^(redis|rediss|redis\+unix):\/\//.test(url)) {
    const redis = await import('@headroom/ccr/redis');
    // One connection for originals and first sights, which the request path waits on (with a 1 s
    // command timeout); the counters, written in the background, keep their own without one.
    const client = redis.connectRedis(url, { onWarning });
    return {
      location: withoutPassword(url),
      kind: 'redis',
      store: () => redis.createRedisStore({ client, url, ...limits, onWarning }),
      firstSight: () =>
        redis.createRedisFirstSight({ client, ...(limits.retentionMs ? { retentionMs: limits.retentionMs } : {}) }),
      // (Its outages are the same server's: the other connection says so, once.)
      counters: () => redis.createRedisCounters({ url, onWarning: () => {} }),
      ping: async () => {
        await answersWithin(client.ping(), 1000);
      },
      closeShared: async () => {
        await client.quit().catch(() => client.disconnect());
      },
    };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw usageError('--store takes sqlite:, memory: or a redis:// URL; PostgreSQL keeps memories, not originals');
  }
  throw usageError(
    `--store takes sqlite:[path], memory: or redis://host:port (also rediss://, redis+unix:///path); got '${url}'`,
  );
}
