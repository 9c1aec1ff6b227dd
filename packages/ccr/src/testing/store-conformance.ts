import { contentKey, type StoreEntry } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { type CcrStore, DAY_MS, type StoreOptions } from '../store/ccr-store.js';

/** Makes a fresh, empty store with the given options; the suite closes it. */
export type StoreFactory = (options: StoreOptions) => CcrStore;

export const entryFor = (original: string, over: Partial<StoreEntry> = {}): StoreEntry => ({
  key: contentKey(original),
  original,
  contentType: 'log',
  toolName: 'bash',
  tokens: Math.ceil(original.length / 4),
  ...over,
});

/** Texts a store must give back byte for byte. */
export const EXACT_TEXTS: readonly [string, string][] = [
  ['plain', 'hello world\n'],
  ['empty', ''],
  ['binary-looking', String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))],
  ['huge single line', 'x'.repeat(3_000_000)],
  ['every Unicode plane', 'é ß 日本語 😀 𝄞 𠀀 \u{E0001} \u{F0000} \u{10FFFF} \u0000 \uFEFF end'],
  ['lone surrogates', 'a\uD800b\uDC00c'],
  ['CRLF and trailing spaces', 'a  \r\nb\t\r\n\r\n'],
];

/**
 * The contract every CCR store runs: exact bytes, one copy per key, hits and sliding
 * retention, the LRU size cap and its young-eviction report, purge and all-or-nothing batches.
 */
export function runStoreConformance(name: string, create: StoreFactory): void {
  const withStore = async (options: StoreOptions, fn: (store: CcrStore) => void | Promise<void>) => {
    const store = create(options);
    try {
      await fn(store);
    } finally {
      store.close();
    }
  };

  describe(`${name} store conformance`, () => {
    it.each(EXACT_TEXTS)('gives back %s text byte for byte', async (_label, text) => {
      await withStore({}, (store) => {
        const entry = entryFor(text);
        store.put(entry);
        const got = store.get(entry.key);
        expect(got?.original === text).toBe(true);
        expect(got && contentKey(got.original)).toBe(entry.key);
      });
    });

    it('keeps one copy per key and the metadata it was given', async () => {
      let t = 1_000;
      await withStore({ now: () => t }, (store) => {
        const entry = entryFor('same output\n'.repeat(10), { contentType: 'text', toolName: 'grep', tokens: 30 });
        store.put(entry);
        t = 2_000;
        store.put(entry);
        expect(store.stats().entries).toBe(1);
        t = 3_000;
        expect(store.get(entry.key)).toEqual({ ...entry, createdAt: 1_000, lastAccessAt: 3_000, hits: 1 });
        t = 4_000;
        expect(store.get(entry.key)).toMatchObject({ lastAccessAt: 4_000, hits: 2 });
        expect(store.stats()).toMatchObject({ entries: 1, hits: 2, bytes: 120 });
      });
    });

    it('returns undefined for an unknown key', async () => {
      await withStore({}, (store) => expect(store.get('0'.repeat(24))).toBeUndefined());
    });

    it('expires entries a retention period after their last access, sliding on access', async () => {
      let t = 0;
      await withStore({ now: () => t, retentionMs: 7 * DAY_MS }, (store) => {
        const kept = entryFor('read every few days');
        const dropped = entryFor('never read again');
        store.putMany([kept, dropped]);
        t = 6 * DAY_MS;
        expect(store.get(kept.key)?.hits).toBe(1);
        t = 12 * DAY_MS; // 12 days after the put, 6 after the last access
        expect(store.get(kept.key)?.hits).toBe(2);
        expect(store.get(dropped.key)).toBeUndefined();
        expect(store.stats()).toMatchObject({ entries: 1, expired: 1 });
      });
    });

    it('evicts least-recently-used entries past the size cap and reports young evictions', async () => {
      let t = 0;
      const warnings: string[] = [];
      await withStore({ now: () => t, maxBytes: 1_000, onWarning: (m) => warnings.push(m) }, (store) => {
        const a = entryFor('a'.repeat(400));
        const b = entryFor('b'.repeat(400));
        const c = entryFor('c'.repeat(400));
        store.put(a);
        t = 1;
        store.put(b);
        t = 2;
        store.get(a.key); // a is now more recent than b
        t = 3;
        store.put(c);
        expect(store.get(b.key)).toBeUndefined();
        expect(store.get(a.key)?.original).toBe(a.original);
        expect(store.get(c.key)?.original).toBe(c.original);
        expect(store.stats()).toMatchObject({ entries: 2, bytes: 800, evictedForSize: 1, evictedYoung: 1 });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/size cap \(1000 bytes\) forced out .*less than a day old; raise the cap$/);
      });
    });

    it('refuses an original larger than the whole cap instead of pretending to keep it', async () => {
      await withStore({ maxBytes: 100 }, (store) => {
        const entry = entryFor('z'.repeat(101));
        expect(() => store.put(entry)).toThrow(/exceeds the store's 100-byte cap/);
        expect(store.get(entry.key)).toBeUndefined();
      });
    });

    it('stores a batch all or nothing', async () => {
      await withStore({ maxBytes: 100 }, (store) => {
        const ok = entryFor('fits');
        expect(() => store.putMany([ok, entryFor('y'.repeat(500))])).toThrow();
        expect(store.get(ok.key)).toBeUndefined();
      });
    });

    it('purges by age of last access, or everything', async () => {
      let t = 0;
      await withStore({ now: () => t }, (store) => {
        const old = entryFor('old');
        const recent = entryFor('recent');
        store.put(old);
        t = 3 * DAY_MS;
        store.put(recent);
        expect(store.purge({ olderThanMs: DAY_MS })).toBe(1);
        expect(store.get(old.key)).toBeUndefined();
        expect(store.get(recent.key)?.original).toBe('recent');
        expect(store.purge({ all: true })).toBe(1);
        expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
      });
    });
  });
}
