import { describe, expect, it } from 'vitest';
import type { Memory } from '../memory.js';
import { selectMemories } from '../select.js';
import type { Embedder } from '../types.js';

/** Options a conformance run passes to the factory: a clock, an embedder, a size limit. */
export interface MemoryFactoryOptions {
  readonly now?: () => number;
  readonly embedder?: Embedder;
  readonly maxTextChars?: number;
}

/** Opens a fresh, empty memory; the suite closes it. */
export type MemoryFactory = (options: MemoryFactoryOptions) => Promise<Memory>;

/**
 * A tiny deterministic embedder: words map to a handful of concepts (synonyms share one), so
 * "execute the specs" lands next to "tests run with vitest" although they share no word.
 */
const CONCEPTS: Record<string, number> = {
  test: 0,
  tests: 0,
  specs: 0,
  spec: 0,
  vitest: 0,
  run: 1,
  runs: 1,
  execute: 1,
  launch: 1,
  database: 2,
  sqlite: 2,
  postgres: 2,
  deploy: 3,
  release: 3,
  ship: 3,
};
export const conceptEmbedder: Embedder = {
  dimensions: 8,
  async embed(texts) {
    return texts.map((text) => {
      const v = new Float32Array(8);
      for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
        const c = CONCEPTS[w];
        const at = c ?? 4 + (w.length % 4);
        v[at] = (v[at] ?? 0) + (c === undefined ? 0.1 : 1);
      }
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  },
};

/**
 * The contract of every shared memory: provenance, scopes and tags; exact duplicates stored once
 * and near-duplicates merged; full-text search scoped to the asker; forgetting and expiry; export
 * and import; clear refusals; concurrent saves through two handles losing nothing; and, where the
 * memory has vectors, semantic matches fused with text matches.
 */
export function runMemoryConformance(name: string, open: MemoryFactory, features: { vectors: boolean }): void {
  const withMemory = async (options: MemoryFactoryOptions, fn: (memory: Memory) => Promise<void>) => {
    const memory = await open(options);
    try {
      await fn(memory);
    } finally {
      await memory.close();
    }
  };

  describe(`${name} memory conformance`, () => {
    it('keeps provenance, scope, tags and times', async () => {
      await withMemory({ now: () => 1_000 }, async (memory) => {
        const { entry, outcome } = await memory.save({
          text: 'The API server listens on port 8080 in development.',
          agent: 'claude-code',
          session: 's1',
          project: '/repo/api',
          tags: ['ports', 'dev'],
        });
        expect(outcome).toBe('created');
        expect(entry).toMatchObject({
          scope: 'project',
          project: '/repo/api',
          tags: ['ports', 'dev'],
          provenance: [{ agent: 'claude-code', session: 's1', project: '/repo/api', at: 1_000 }],
          createdAt: 1_000,
          updatedAt: 1_000,
        });
        expect(await memory.get(entry.id)).toEqual(entry);
      });
    });

    it('stores an exact duplicate once and merges a near-duplicate, keeping both provenances', async () => {
      await withMemory({}, async (memory) => {
        const a = await memory.save({ text: 'Run the tests with pnpm test from the repository root.', agent: 'codex' });
        const b = await memory.save({
          text: '  Run the tests with pnpm test   from the repository root.',
          agent: 'cursor',
        });
        expect(b.outcome).toBe('duplicate');
        expect(b.entry.id).toBe(a.entry.id);
        const c = await memory.save({
          text: 'Run the tests with pnpm test from the repository root directory.',
          agent: 'claude-code',
          tags: ['testing'],
        });
        expect(c.outcome).toBe('merged');
        expect(c.entry.id).toBe(a.entry.id);
        expect(c.entry.text).toBe('Run the tests with pnpm test from the repository root directory.');
        expect(c.entry.provenance.map((p) => p.agent)).toEqual(['codex', 'cursor', 'claude-code']);
        expect(c.entry.tags).toEqual(['testing']);
        // A different statement stays separate, and so does one about something else in the same words.
        expect((await memory.save({ text: 'Deploys go out on Tuesdays only.', agent: 'codex' })).outcome).toBe(
          'created',
        );
        expect((await memory.save({ text: 'Service Billing runs on port 4010 in dev.' })).outcome).toBe('created');
        expect((await memory.save({ text: 'Service Ledger runs on port 4010 in dev.' })).outcome).toBe('created');
        expect((await memory.save({ text: 'Service Ledger runs on port 4011 in dev.' })).outcome).toBe('created');
        expect((await memory.save({ text: 'service Ledger runs on port 4011 in dev' })).outcome).toBe('merged');
        expect(await memory.count()).toBe(5);
      });
    });

    it('finds by full text, showing each agent its project, its session and the global memories', async () => {
      await withMemory({}, async (memory) => {
        await memory.save({ text: 'The staging database is Postgres 16 on db.internal:5432.', project: '/repo/a' });
        await memory.save({ text: 'Project b keeps its database in SQLite under data/app.db.', project: '/repo/b' });
        await memory.save({ text: 'Always answer database questions with the schema first.', scope: 'global' });
        await memory.save({ text: 'In this session the database is mocked.', scope: 'session', session: 'sess-9' });
        const fromA = await memory.search('which database', { project: '/repo/a' });
        expect(fromA.map((h) => h.entry.text).sort()).toEqual([
          'Always answer database questions with the schema first.',
          'The staging database is Postgres 16 on db.internal:5432.',
        ]);
        const fromB = await memory.search('database', { project: '/repo/b', session: 'sess-9' });
        expect(fromB).toHaveLength(3);
        expect(fromB.every((h) => h.matchedBy.includes('text'))).toBe(true);
        // A subdirectory of a project sees the project's memories.
        expect(await memory.search('staging', { project: '/repo/a/src' })).toHaveLength(1);
        // Query syntax never breaks the search.
        expect(await memory.search('"unbalanced AND (OR NEAR* :* & | !', { project: '/repo/a' })).toEqual([]);
      });
    });

    it('forgets, expires and lists', async () => {
      let clock = 5_000;
      await withMemory({ now: () => clock }, async (memory) => {
        const keep = await memory.save({ text: 'Node 20 is the minimum supported version.' });
        clock = 5_001;
        const gone = await memory.save({ text: 'The build cache is warm until the evening.', expiresAt: 6_000 });
        const drop = await memory.save({ text: 'Use the staging key for smoke tests.' });
        expect(await memory.forget(drop.entry.id)).toBe(true);
        expect(await memory.forget(drop.entry.id)).toBe(false);
        expect((await memory.list()).map((e) => e.id)).toEqual([gone.entry.id, keep.entry.id]);
        clock = 7_000;
        expect(await memory.get(gone.entry.id)).toBeUndefined();
        expect((await memory.list()).map((e) => e.id)).toEqual([keep.entry.id]);
        expect(await memory.search('build cache')).toEqual([]);
      });
    });

    it('picks the most relevant memories within a token budget', async () => {
      await withMemory({}, async (memory) => {
        await memory.save({ text: 'Tests: pnpm test runs every package.', scope: 'global' });
        await memory.save({ text: `Tests: ${'the long flaky test list '.repeat(30)}`, scope: 'global' });
        await memory.save({ text: 'Lint with pnpm lint before pushing.', scope: 'global' });
        const picked = await selectMemories(memory, 'how to run tests', { budgetTokens: 40 });
        expect(picked.memories.map((m) => m.text)).toEqual(['Tests: pnpm test runs every package.']);
        expect(picked.text).toBe('Relevant memories:\n- Tests: pnpm test runs every package.');
        expect((await selectMemories(memory, 'how to run tests', { budgetTokens: 3 })).text).toBe('');
      });
    });

    it('exports and imports as JSON, refusing a malformed file without writing anything', async () => {
      let exported: unknown;
      await withMemory({}, async (source) => {
        await source.save({ text: 'Use conventional commit messages.', agent: 'codex', tags: ['git'] });
        await source.save({ text: 'The docs site builds with Astro.', project: '/repo/site', agent: 'cursor' });
        exported = JSON.parse(JSON.stringify(await source.export()));
      });
      await withMemory({}, async (target) => {
        await expect(target.import({ format: 'something-else' })).rejects.toThrow(/not a Headroom memory export/);
        await expect(target.import({ ...(exported as object), memories: [{ text: 1 }] })).rejects.toThrow(/malformed/);
        expect(await target.count()).toBe(0);
        expect(await target.import(exported)).toEqual({ created: 2, duplicate: 0, merged: 0 });
        expect(await target.import(exported)).toEqual({ created: 0, duplicate: 2, merged: 0 });
        const site = (await target.list({ project: '/repo/site' })).find((m) => m.project === '/repo/site');
        expect(site?.provenance[0]?.agent).toBe('cursor');
      });
    });

    it('refuses empty, oversized or misplaced memories with a clear error', async () => {
      await withMemory({ maxTextChars: 100 }, async (memory) => {
        await expect(memory.save({ text: '   ' })).rejects.toThrow('a memory needs some text');
        await expect(memory.save({ text: 'x'.repeat(101) })).rejects.toThrow(/at most 100 characters/);
        await expect(memory.save({ text: 'x', scope: 'session' })).rejects.toThrow(/needs its session/);
        await expect(memory.save({ text: 'x', scope: 'team' as never })).rejects.toThrow(/scope must be one of/);
      });
    });

    it('loses nothing when many saves race, the same text from several agents included', async () => {
      await withMemory({}, async (memory) => {
        const saves = Array.from({ length: 40 }, (_, i) =>
          memory.save({ text: `observation ${i}: build ${i * 7919} took ${i * 13} seconds`, agent: `agent-${i % 2}` }),
        );
        const same = Array.from({ length: 6 }, (_, i) =>
          memory.save({ text: 'The release branch is cut on Mondays.', agent: `agent-${i}` }),
        );
        const results = await Promise.all([...saves, ...same]);
        expect(await memory.count()).toBe(41);
        const kept = results.slice(40).map((r) => r.entry.id);
        expect(new Set(kept).size).toBe(1);
        const entry = await memory.get(kept[0] as number);
        expect(entry?.provenance.map((p) => p.agent).sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `agent-${i}`));
      });
    });

    it.skipIf(!features.vectors)('ranks semantic and text matches together with an embedder', async () => {
      await withMemory({ embedder: conceptEmbedder }, async (memory) => {
        expect(await memory.searchKinds()).toEqual(['text', 'vector']);
        await memory.save({ text: 'Tests run with vitest via pnpm test.', scope: 'global' });
        await memory.save({ text: 'Releases ship from the main branch on Fridays.', scope: 'global' });
        await memory.save({ text: 'The cache lives in SQLite.', scope: 'global' });
        const hits = await memory.search('how do I execute the specs');
        expect(hits[0]?.entry.text).toBe('Tests run with vitest via pnpm test.');
        expect(hits[0]?.matchedBy).toEqual(['vector']);
        const both = await memory.search('when do releases ship');
        expect(both[0]?.entry.text).toBe('Releases ship from the main branch on Fridays.');
        expect(both[0]?.matchedBy).toEqual(['text', 'vector']);
      });
    });
  });
}
