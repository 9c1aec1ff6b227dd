import { HeadroomError, type StoredOriginal, type StoreEntry } from '@headroom/core';
import {
  type CcrStore,
  DAY_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_RETENTION_MS,
  defaultWarn,
  type StoreOptions,
  type StoreStats,
} from './ccr-store.js';
import { storedBytes } from './encoding.js';

interface Held extends StoredOriginal {
  readonly bytes: number;
}

/**
 * An in-memory store, LRU-bounded by bytes. For tests and short-lived processes: entries do not
 * survive the process. Same retention and size rules as the SQLite store.
 *
 * @example
 * const store = createMemoryStore({ maxBytes: 64 * 1024 * 1024 })
 */
export function createMemoryStore(options: StoreOptions = {}): CcrStore {
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const now = options.now ?? Date.now;
  const warn = options.onWarning ?? defaultWarn;
  // Map order doubles as recency order: every access re-inserts the entry at the end.
  const entries = new Map<string, Held>();
  let bytes = 0;
  let expired = 0;
  let evictedForSize = 0;
  let evictedYoung = 0;

  const remove = (key: string) => {
    const held = entries.get(key);
    if (held) {
      entries.delete(key);
      bytes -= held.bytes;
    }
  };

  const sweepExpired = (at: number) => {
    for (const [key, held] of entries) {
      if (at - held.lastAccessAt <= retentionMs) break;
      remove(key);
      expired++;
    }
  };

  const putOne = (entry: StoreEntry, at: number) => {
    const existing = entries.get(entry.key);
    if (existing) {
      entries.delete(entry.key);
      entries.set(entry.key, { ...existing, lastAccessAt: at });
      return;
    }
    const size = storedBytes(entry.original);
    if (size > maxBytes) {
      throw new HeadroomError(
        'store_unavailable',
        `an original of ${size} bytes exceeds the store's ${maxBytes}-byte cap`,
      );
    }
    const { key, original, contentType, toolName, tokens } = entry;
    entries.set(key, {
      key,
      original,
      contentType,
      ...(toolName !== undefined ? { toolName } : {}),
      tokens,
      createdAt: at,
      lastAccessAt: at,
      hits: 0,
      bytes: size,
    });
    bytes += size;
    for (const [victim, held] of entries) {
      if (bytes <= maxBytes) break;
      remove(victim);
      evictedForSize++;
      if (at - held.createdAt < DAY_MS) {
        evictedYoung++;
        warn(`the CCR store's size cap (${maxBytes} bytes) forced out an entry less than a day old; raise the cap`);
      }
    }
  };

  return {
    async put(entry) {
      const at = now();
      sweepExpired(at);
      putOne(entry, at);
    },
    async putMany(list) {
      const at = now();
      sweepExpired(at);
      const before = new Map(entries);
      const beforeBytes = bytes;
      try {
        for (const entry of list) putOne(entry, at);
      } catch (error) {
        entries.clear();
        for (const [k, v] of before) entries.set(k, v);
        bytes = beforeBytes;
        throw error;
      }
    },
    async get(key) {
      const at = now();
      const held = entries.get(key);
      if (!held) return undefined;
      if (at - held.lastAccessAt > retentionMs) {
        remove(key);
        expired++;
        return undefined;
      }
      const touched = { ...held, lastAccessAt: at, hits: held.hits + 1 };
      entries.delete(key);
      entries.set(key, touched);
      const { bytes: _bytes, ...original } = touched;
      return original;
    },
    async purge(options) {
      const at = now();
      let removed = 0;
      for (const [key, held] of [...entries]) {
        if ('all' in options || at - held.lastAccessAt > options.olderThanMs) {
          remove(key);
          removed++;
        }
      }
      return removed;
    },
    async *entries() {
      const at = now();
      for (const { bytes: _bytes, ...held } of [...entries.values()]) {
        if (at - held.lastAccessAt <= retentionMs) yield held;
      }
    },
    async stats(): Promise<StoreStats> {
      let hits = 0;
      for (const held of entries.values()) hits += held.hits;
      const oldest = entries.values().next().value;
      return {
        entries: entries.size,
        bytes,
        maxBytes,
        retentionMs,
        hits,
        ...(oldest ? { oldestAccessAt: oldest.lastAccessAt } : {}),
        expired,
        evictedForSize,
        evictedYoung,
        location: 'memory',
      };
    },
    async close() {
      entries.clear();
      bytes = 0;
    },
  };
}
