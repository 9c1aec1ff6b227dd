import type { Store, StoredOriginal, StoreEntry } from '@headroom/core';

/**
 * A reversible store: exact originals by content key, kept for a sliding retention period and
 * within a size cap. Every implementation (memory, SQLite, Redis) passes the same conformance
 * suite. Asynchronous throughout, so a store on another machine fits the same seam.
 */
export interface CcrStore extends Store {
  /** Stores an original; storing the same key again only counts as an access. */
  put(entry: StoreEntry): Promise<void>;
  /** Stores several originals in one transaction: all or none. */
  putMany(entries: readonly StoreEntry[]): Promise<void>;
  get(key: string): Promise<StoredOriginal | undefined>;
  /** Removes entries not accessed for `olderThanMs`, or all entries. Returns how many went. */
  purge(options: { readonly olderThanMs: number } | { readonly all: true }): Promise<number>;
  /**
   * Every unexpired entry, least recently used first, without counting as accesses: what
   * `headroom ccr migrate` copies from one store into another.
   */
  entries(): AsyncIterable<StoredOriginal>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

export interface StoreStats {
  readonly entries: number;
  /** Stored size of all originals. */
  readonly bytes: number;
  readonly maxBytes: number;
  readonly retentionMs: number;
  /** Sum of hits over the entries held now. */
  readonly hits: number;
  /** Last-access time of the least recently used entry, if any (ms since epoch). */
  readonly oldestAccessAt?: number;
  /** Entries removed because their retention ran out. */
  readonly expired: number;
  /** Entries removed because the size cap forced them out. */
  readonly evictedForSize: number;
  /** Of those, entries that were less than a day old: a sign the cap is too small. */
  readonly evictedYoung: number;
  /** Where the store lives (file path), or `memory`. */
  readonly location: string;
}

export interface StoreOptions {
  /** How long an entry is kept after its last access. Default seven days. */
  readonly retentionMs?: number;
  /** Size cap over all originals; least recently used entries go first. Default 2 GB. */
  readonly maxBytes?: number;
  /** Clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
  /** Receives warnings (forced evictions of young entries, a corrupt database moved aside). */
  readonly onWarning?: (message: string) => void;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RETENTION_MS = 7 * DAY_MS;
export const DEFAULT_MAX_BYTES = 2_000_000_000;

export function defaultWarn(message: string): void {
  console.warn(`headroom: ${message}`);
}
