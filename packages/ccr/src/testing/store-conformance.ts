import { contentKey, type StoreEntry } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { type CcrStore, DAY_MS, type StoreOptions } from '../store/ccr-store.js';

/** Makes a fresh, empty store with the given options; the suite closes it. */
export type StoreFactory = (options: StoreOptions) => CcrStore | Promise<CcrStore>;

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
  const withStore = async (options: StoreOptions, fn: (store: CcrStore) => Promise<void>) => {
    const store = await create(options);
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  };

  describe(`${name} store conformance`, () => {
    it.each(EXACT_TEXTS)('gives back %s text byte for byte', async (_label, text) => {
      await withStore({}, async (store) => {
        const entry = entryFor(text);
        await store.put(entry);
        const got = await store.get(entry.key);
        expect(got?.original === text).toBe(true);
        expect(got && contentKey(got.original)).toBe(entry.key);
      });
    });

    it('keeps one copy per key and the metadata it was given', async () => {
      let t = 1_000;
      await withStore({ now: () => t }, async (store) => {
        const entry = entryFor('same output\n'.repeat(10), { contentType: 'text', toolName: 'grep', tokens: 30 });
        await store.put(entry);
        t = 2_000;
        await store.put(entry);
        expect((await store.stats()).entries).toBe(1);
        t = 3_000;
        expect(await store.get(entry.key)).toEqual({ ...entry, createdAt: 1_000, lastAccessAt: 3_000, hits: 1 });
        t = 4_000;
        expect(await store.get(entry.key)).toMatchObject({ lastAccessAt: 4_000, hits: 2 });
        expect(await store.stats()).toMatchObject({ entries: 1, hits: 2, bytes: 120 });
      });
    });

    it('keeps an entry without a tool name without one', async () => {
      await withStore({}, async (store) => {
        const { toolName: _none, ...entry } = entryFor('no tool here');
        await store.put(entry);
        const got = await store.get(entry.key);
        expect(got).toMatchObject(entry);
        expect(got && 'toolName' in got).toBe(false);
      });
    });

    it('returns undefined for an unknown key', async () => {
      await withStore({}, async (store) => expect(await store.get('0'.repeat(24))).toBeUndefined());
    });

    it('expires entries a retention period after their last access, sliding on access', async () => {
      let t = 0;
      await withStore({ now: () => t, retentionMs: 7 * DAY_MS }, async (store) => {
        const kept = entryFor('read every few days');
        const dropped = entryFor('never read again');
        await store.putMany([kept, dropped]);
        t = 6 * DAY_MS;
        expect((await store.get(kept.key))?.hits).toBe(1);
        t = 12 * DAY_MS; // 12 days after the put, 6 after the last access
        expect((await store.get(kept.key))?.hits).toBe(2);
        expect(await store.get(dropped.key)).toBeUndefined();
        expect(await store.stats()).toMatchObject({ entries: 1, expired: 1 });
      });
    });

    it('evicts least-recently-used entries past the size cap and reports young evictions', async () => {
      let t = 0;
      const warnings: string[] = [];
      await withStore({ now: () => t, maxBytes: 1_000, onWarning: (m) => warnings.push(m) }, async (store) => {
        const a = entryFor('a'.repeat(400));
        const b = entryFor('b'.repeat(400));
        const c = entryFor('c'.repeat(400));
        await store.put(a);
        t = 1;
        await store.put(b);
        t = 2;
        await store.get(a.key); // a is now more recent than b
        t = 3;
        await store.put(c);
        expect(await store.get(b.key)).toBeUndefined();
        expect((await store.get(a.key))?.original).toBe(a.original);
        expect((await store.get(c.key))?.original).toBe(c.original);
        expect(await store.stats()).toMatchObject({ entries: 2, bytes: 800, evictedForSize: 1, evictedYoung: 1 });
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/size cap \(1000 bytes\) forced out .*less than a day old; raise the cap$/);
      });
    });

    it('refuses an original larger than the whole cap instead of pretending to keep it', async () => {
      await withStore({ maxBytes: 100 }, async (store) => {
        const entry = entryFor('z'.repeat(101));
        await expect(store.put(entry)).rejects.toThrow(/exceeds the store's 100-byte cap/);
        expect(await store.get(entry.key)).toBeUndefined();
      });
    });

    it('stores a batch all or nothing', async () => {
      await withStore({ maxBytes: 100 }, async (store) => {
        const ok = entryFor('fits');
        await expect(store.putMany([ok, entryFor('y'.repeat(500))])).rejects.toThrow();
        expect(await store.get(ok.key)).toBeUndefined();
      });
    });

    it('purges by age of last access, or everything', async () => {
      let t = 0;
      await withStore({ now: () => t }, async (store) => {
        const old = entryFor('old');
        const recent = entryFor('recent');
        await store.put(old);
        t = 3 * DAY_MS;
        await store.put(recent);
        expect(await store.purge({ olderThanMs: DAY_MS })).toBe(1);
        expect(await store.get(old.key)).toBeUndefined();
        expect((await store.get(recent.key))?.original).toBe('recent');
        expect(await store.purge({ all: true })).toBe(1);
        expect(await store.stats()).toMatchObject({ entries: 0, bytes: 0 });
      });
    });

    it('lists every unexpired entry, least recently used first, without counting an access', async () => {
      let t = 0;
      await withStore({ now: () => t, retentionMs: 7 * DAY_MS }, async (store) => {
        const [a, b, c] = ['first', 'second', 'third'].map((w) => entryFor(`${w} output\n`.repeat(3)));
        await store.put(a as StoreEntry);
        t = 1;
        await store.put(b as StoreEntry);
        t = 2;
        await store.put(c as StoreEntry);
        t = 3;
        await store.get((a as StoreEntry).key);
        const listed = [];
        for await (const entry of store.entries()) listed.push(entry);
        expect(listed.map((e) => e.original)).toEqual([b, c, a].map((e) => (e as StoreEntry).original));
        expect(listed[2]).toMatchObject({
          hits: 1,
          lastAccessAt: 3,
          createdAt: 0,
          contentType: 'log',
          toolName: 'bash',
        });
        expect((await store.stats()).hits).toBe(1);
        t = 2 + 7 * DAY_MS + 1; // b and c expired
        const left = [];
        for await (const entry of store.entries()) left.push(entry.key);
        expect(left).toEqual([(a as StoreEntry).key]);
      });
    });

    it('answers many concurrent puts and gets of the same keys consistently', async () => {
      await withStore({}, async (store) => {
        const entries = Array.from({ length: 20 }, (_, i) => entryFor(`output ${i}\n`.repeat(i + 1)));
        await Promise.all([...entries, ...entries].map((e) => store.put(e)));
        const got = await Promise.all(entries.map((e) => store.get(e.key)));
        expect(got.map((g) => g?.original)).toEqual(entries.map((e) => e.original));
        expect(await store.stats()).toMatchObject({ entries: 20 });
      });
    });
  });
}
