import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@headroom/ccr/sqlite';
import { describe, expect, it } from 'vitest';
import { openMemory } from '../src/index.js';
import { conceptEmbedder, runMemoryConformance } from '../src/testing/index.js';

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'headroom-memory-')), 'ccr.db');

runMemoryConformance('sqlite', async (options) => openMemory({ path: freshPath(), ...options }), { vectors: true });

describe('sqlite memory', () => {
  it('gives memories saved before an embedder existed their vectors once one is configured', async () => {
    const path = freshPath();
    const plain = openMemory({ path });
    await plain.save({ text: 'Tests run with vitest via pnpm test.', scope: 'global' });
    expect(await plain.searchKinds()).toEqual(['text']);
    await plain.close();
    const memory = openMemory({ path, embedder: conceptEmbedder });
    await memory.save({ text: 'Releases ship from the main branch on Fridays.', scope: 'global' });
    const hits = await memory.search('how do I execute the specs');
    expect(hits[0]?.entry.text).toBe('Tests run with vitest via pnpm test.');
    expect(hits[0]?.matchedBy).toEqual(['vector']);
    await memory.close();
  });

  it('shares the file with the CCR store', async () => {
    const path = freshPath();
    const store = createSqliteStore({ path });
    await store.put({ key: 'a'.repeat(24), original: 'original bytes', contentType: 'text', tokens: 3 });
    const memory = openMemory({ path });
    await memory.save({ text: 'Both live in one file.' });
    expect((await store.get('a'.repeat(24)))?.original).toBe('original bytes');
    expect(await memory.count()).toBe(1);
    await memory.close();
    await store.close();
  });

  it('loses nothing when two processes write at once', async () => {
    const path = freshPath();
    await openMemory({ path }).close(); // the schema exists before the race starts
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
             await memory.close();`,
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
    const entries = await memory.list({ all: true });
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((e) => e.provenance[0]?.agent))).toEqual(new Set(['agent-a', 'agent-b']));
    await memory.close();
  });
});
