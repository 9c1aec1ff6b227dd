import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresMemory, pgliteDatabase } from '../src/postgres.js';
import {
  conceptEmbedder,
  postgresServerAvailable,
  type RunningPostgres,
  runMemoryConformance,
  startPostgresServer,
} from '../src/testing/index.js';

// The vector path on PGlite (PostgreSQL compiled to WebAssembly, with pgvector): Debian's server has
// no pgvector package.
runMemoryConformance(
  'pglite with pgvector',
  async (options) =>
    openPostgresMemory({ database: pgliteDatabase(await PGlite.create({ extensions: { vector } })), ...options }),
  { vectors: true },
);

// Everything else against a real server.
const available = postgresServerAvailable();
let server: RunningPostgres | undefined;
beforeAll(async () => {
  if (available) server = await startPostgresServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!available)('postgresql server', () => {
  runMemoryConformance(
    'postgresql',
    async (options) => openPostgresMemory({ url: await (server as RunningPostgres).freshDatabase(), ...options }),
    { vectors: false },
  );

  it('says search is full-text only where the server has no pgvector, and still finds', async () => {
    const warnings: string[] = [];
    const url = await (server as RunningPostgres).freshDatabase();
    const memory = await openPostgresMemory({ url, embedder: conceptEmbedder, onWarning: (m) => warnings.push(m) });
    expect(await memory.searchKinds()).toEqual(['text']);
    expect(warnings).toEqual(['this PostgreSQL server has no pgvector extension; memory search is full-text only']);
    await memory.save({ text: 'Tests run with vitest via pnpm test.', scope: 'global' });
    expect((await memory.search('vitest'))[0]?.entry.text).toBe('Tests run with vitest via pnpm test.');
    await memory.close();
  });

  it('is shared: what one process saves, another finds; the same fact from both is kept once', async () => {
    const url = await (server as RunningPostgres).freshDatabase();
    const [a, b] = await Promise.all([openPostgresMemory({ url }), openPostgresMemory({ url })]);
    const [fromA, fromB] = await Promise.all([
      a.save({ text: 'Staging deploys need the VPN.', agent: 'alice-claude', scope: 'global' }),
      b.save({ text: 'Staging deploys need the VPN.', agent: 'bob-codex', scope: 'global' }),
    ]);
    expect(fromA.entry.id).toBe(fromB.entry.id);
    const hits = await b.search('staging deploys');
    expect(hits).toHaveLength(1);
    expect(hits[0]?.entry.provenance.map((p) => p.agent).sort()).toEqual(['alice-claude', 'bob-codex']);
    await Promise.all([a.close(), b.close()]);
  });

  it('migrates once when several processes open a new database at once', async () => {
    const url = await (server as RunningPostgres).freshDatabase();
    const opened = await Promise.all(Array.from({ length: 4 }, () => openPostgresMemory({ url })));
    expect(await opened[0]?.count()).toBe(0);
    await Promise.all(opened.map((m) => m.close()));
  });

  it('refuses a database from a newer Headroom', async () => {
    const url = await (server as RunningPostgres).freshDatabase();
    await (await openPostgresMemory({ url })).close();
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("UPDATE headroom_memory_meta SET value = '99' WHERE name = 'schema_version'");
    await client.end();
    await expect(openPostgresMemory({ url })).rejects.toThrow(
      /schema version 99, newer than this Headroom understands/,
    );
  });
});
