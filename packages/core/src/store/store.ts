/**
 * Where originals of compressed segments are kept so they can be retrieved by key
 * (Compress-Cache-Retrieve). `@headroom/ccr` implements it over SQLite and in memory.
 * Methods may be sync or async so in-memory and remote stores fit the same contract.
 */
export interface Store {
  /** Stores `original` under `key` (its content key). Storing the same key twice keeps one copy. */
  put(entry: StoreEntry): void | Promise<void>;
  /**
   * The entry for `key`, or `undefined` when it is unknown or expired. A successful get counts
   * as an access: it adds a hit and restarts the entry's retention period.
   */
  get(key: string): StoredOriginal | undefined | Promise<StoredOriginal | undefined>;
}

export interface StoreEntry {
  readonly key: string;
  readonly original: string;
  readonly contentType: string;
  readonly toolName?: string;
  readonly tokens: number;
}

export interface StoredOriginal extends StoreEntry {
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly lastAccessAt: number;
  readonly hits: number;
}
