import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@headroom/ccr/sqlite';
import { describe, expect, it } from 'vitest';
import { type Embedder, openMemory, selectMemories } from '../src/index.js';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'headroom-memory-')), 'ccr.db');

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
const conceptEmbedder: Embedder = {
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

describe('memory', () => {
  it('keeps provenance, scope, tags and times', async () => {
    const memory = openMemory({ path: freshPath(), now: () => 1_000 });
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
    expect(memory.get(entry.id)).toEqual(entry);
    memory.close();
  });

  it('stores an exact duplicate once and merges a near-duplicate, keeping both provenances', async () => {
    const memory = openMemory({ path: freshPath() });
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
    expect((await memory.save({ text: 'Deploys go out on Tuesdays only.', agent: 'codex' })).outcome).toBe('created');
    expect((await memory.save({ text: 'Service Billing runs on port 4010 in dev.' })).outcome).toBe('created');
    expect((await memory.save({ text: 'Service Ledger runs on port 4010 in dev.' })).outcome).toBe('created');
    expect((await memory.save({ text: 'Service Ledger runs on port 4011 in dev.' })).outcome).toBe('created');
    expect((await memory.save({ text: 'service Ledger runs on port 4011 in dev' })).outcome).toBe('merged');
    expect(memory.count()).toBe(5);
    memory.close();
  });

  it('finds by full text (BM25), showing each agent its project, its session and the global memories', async () => {
    const memory = openMemory({ path: freshPath() });
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
    // Query syntax never breaks the search.
    expect(await memory.search('"unbalanced AND (OR NEAR*', { project: '/repo/a' })).toEqual([]);
    memory.close();
  });

  it('forgets, expires and lists', async () => {
    let clock = 5_000;
    const memory = openMemory({ path: freshPath(), now: () => clock });
    const keep = await memory.save({ text: 'Node 20 is the minimum supported version.' });
    const gone = await memory.save({ text: 'The build cache is warm until the evening.', expiresAt: 6_000 });
    const drop = await memory.save({ text: 'Use the staging key for smoke tests.' });
    expect(memory.forget(drop.entry.id)).toBe(true);
    expect(memory.forget(drop.entry.id)).toBe(false);
    expect(memory.list().map((e) => e.id)).toEqual([gone.entry.id, keep.entry.id]);
    clock = 7_000;
    expect(memory.get(gone.entry.id)).toBeUndefined();
    expect(memory.list().map((e) => e.id)).toEqual([keep.entry.id]);
    expect(await memory.search('build cache')).toEqual([]);
    memory.close();
  });

  it('adds semantic search with an embedder and ranks both kinds of match together', async () => {
    const path = freshPath();
    // Saved before any embedder existed: it gets its vector when one is configured.
    const plain = openMemory({ path });
    await plain.save({ text: 'Tests run with vitest via pnpm test.', scope: 'global' });
    plain.close();
    const memory = openMemory({ path, embedder: conceptEmbedder });
    await memory.save({ text: 'Releases ship from the main branch on Fridays.', scope: 'global' });
    await memory.save({ text: 'The cache lives in SQLite.', scope: 'global' });
    const hits = await memory.search('how do I execute the specs');
    expect(hits[0]?.entry.text).toBe('Tests run with vitest via pnpm test.');
    expect(hits[0]?.matchedBy).toEqual(['vector']);
    const both = await memory.search('when do releases ship');
    expect(both[0]?.entry.text).toBe('Releases ship from the main branch on Fridays.');
    expect(both[0]?.matchedBy).toEqual(['text', 'vector']);
    memory.close();
  });

  it('picks the most relevant memories within a token budget', async () => {
    const memory = openMemory({ path: freshPath() });
    await memory.save({ text: 'Tests: pnpm test runs every package.', scope: 'global' });
    await memory.save({ text: `Tests: ${'the long flaky test list '.repeat(30)}`, scope: 'global' });
    await memory.save({ text: 'Lint with pnpm lint before pushing.', scope: 'global' });
    const picked = await selectMemories(memory, 'how to run tests', { budgetTokens: 40 });
    expect(picked.memories.map((m) => m.text)).toEqual(['Tests: pnpm test runs every package.']);
    expect(picked.text).toBe('Relevant memories:\n- Tests: pnpm test runs every package.');
    expect(picked.tokens).toBeLessThanOrEqual(40);
    expect((await selectMemories(memory, 'how to run tests', { budgetTokens: 3 })).text).toBe('');
    memory.close();
  });

  it('exports and imports as JSON, refusing a malformed file without writing anything', async () => {
    const source = openMemory({ path: freshPath() });
    await source.save({ text: 'Use conventional commit messages.', agent: 'codex', tags: ['git'] });
    await source.save({ text: 'The docs site builds with Astro.', project: '/repo/site', agent: 'cursor' });
    const exported = JSON.parse(JSON.stringify(source.export()));
    source.close();
    const target = openMemory({ path: freshPath() });
    await expect(target.import({ format: 'something-else' })).rejects.toThrow(/not a Headroom memory export/);
    await expect(target.import({ ...exported, memories: [{ text: 1 }] })).rejects.toThrow(/malformed/);
    expect(target.count()).toBe(0);
    expect(await target.import(exported)).toEqual({ created: 2, duplicate: 0, merged: 0 });
    expect(await target.import(exported)).toEqual({ created: 0, duplicate: 2, merged: 0 });
    const site = target.list({ project: '/repo/site' }).find((m) => m.project === '/repo/site');
    expect(site?.provenance[0]?.agent).toBe('cursor');
    target.close();
  });

  it('shares the file with the CCR store', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.put({ key: 'a'.repeat(24), original: 'original bytes', contentType: 'text', tokens: 3 });
    const memory = openMemory({ path });
    await memory.save({ text: 'Both live in one file.' });
    expect((await store.get('a'.repeat(24)))?.original).toBe('original bytes');
    expect(memory.count()).toBe(1);
    memory.close();
    store.close();
  });

  it('refuses empty, oversized or misplaced memories with a clear error', async () => {
    const memory = openMemory({ path: freshPath(), maxTextChars: 100 });
    await expect(memory.save({ text: '   ' })).rejects.toThrow('a memory needs some text');
    await expect(memory.save({ text: 'x'.repeat(101) })).rejects.toThrow(/at most 100 characters/);
    await expect(memory.save({ text: 'x', scope: 'session' })).rejects.toThrow(/needs its session/);
    await expect(memory.save({ text: 'x', scope: 'team' as never })).rejects.toThrow(/scope must be one of/);
    memory.close();
  });

  it('loses nothing when two processes write at once', async () => {
    const path = freshPath();
    openMemory({ path }).close(); // the schema exists before the race starts
    const writer = (agent: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `import { openMemory } from '@headroom/memory';
             const memory = openMemory({ path: process.argv[1] });
             const { randomUUID } = await import('node:crypto');
             for (let i = 0; i < 150; i++) await memory.save({ text: 'observation ' + i + ': ' + randomUUID() + ' ' + randomUUID(), agent: process.argv[2], scope: 'global' });
             memory.close();`,
            path,
            agent,
          ],
          { cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let stderr = '';
        child.stderr.on('data', (c) => {
          stderr += c;
        });
        child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(stderr))));
      });
    await Promise.all([writer('agent-a'), writer('agent-b')]);
    const memory = openMemory({ path });
    const entries = memory.list({ all: true });
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((e) => e.provenance[0]?.agent))).toEqual(new Set(['agent-a', 'agent-b']));
    memory.close();
  });
});
