/**
 * Where first sights are kept. The in-process `FirstSightCache` serves the library; a proxy keeps
 * them in SQLite (`createSqliteFirstSight` in `@headroom/ccr/sqlite`) so they survive a restart,
 * or in Redis (`@headroom/ccr/redis`) so a fleet of proxies agrees on them. Either method may be
 * asynchronous, and may throw when the memory is unreachable: the segment then passes through.
 */
export interface FirstSightMemory {
  get(key: string): FirstSight | undefined | Promise<FirstSight | undefined>;
  /**
   * Keeps the first value for a key and returns the value kept: `value`, or the one another
   * caller (another process sharing the memory) set first. `undefined` means `value` was kept.
   */
  set(key: string, value: FirstSight): FirstSight | undefined | Promise<FirstSight | undefined>;
}

/**
 * Remembers the first output a segment got, by hash of (transform, content): the query of its
 * first sight decides, and later
 * requests that carry the same segment get the same bytes even if a transform now misses its
 * deadline or a model has loaded meanwhile — so the provider's prompt cache stays valid.
 *
 * Bounded by the characters it holds; the least recently used outputs go first.
 */
export class FirstSightCache implements FirstSightMemory {
  private readonly entries = new Map<string, FirstSight>();
  private chars = 0;

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  get(key: string): FirstSight | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: FirstSight): FirstSight {
    const kept = this.entries.get(key);
    if (kept) return kept; // first sight wins, by definition
    this.entries.set(key, value);
    this.chars += value.text.length;
    for (const [k, v] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.entries.delete(k);
      this.chars -= v.text.length;
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** What a segment became the first time it was seen. */
export interface FirstSight {
  readonly text: string;
  /** The transform that produced it, when the routed one delegated (see `TransformResult.via`). */
  readonly via?: string;
  /** Set when the first sight left it unchanged, and why. */
  readonly skipped?: 'no-saving' | 'deadline' | 'error';
}

/** The process-wide cache used when the caller does not pass one. */
export const sharedFirstSightCache = new FirstSightCache();
