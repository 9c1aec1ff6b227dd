import { createHash } from 'node:crypto';
import { exportOf, importInto, type ListOptions, type Memory } from './memory.js';
import { DEFAULT_LIMIT, fuseRankings, isVisible, mergedInto, prepareSave, searchTerms } from './rules.js';
import { fingerprint, isNearDuplicate } from './similarity.js';
import type {
  Embedder,
  MemoryEntry,
  MemoryRuleOptions,
  MemoryScope,
  Provenance,
  SaveInput,
  SaveResult,
  SearchHit,
} from './types.js';

/** What the PostgreSQL memory needs of a connection: queries, and transactions. `pg` and PGlite both fit. */
export interface SqlSession {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface SqlDatabase extends SqlSession {
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Semantic search (an `embedder`) needs pgvector on the server; without it search is full-text only. */
export interface PostgresMemoryOptions extends MemoryRuleOptions {
  /** `postgres://user:password@host:5432/db` (or `postgresql://…`); a `pg` pool is opened on it. */
  readonly url?: string;
  /** A database handle instead of a URL (a PGlite instance through `pgliteDatabase`, a pool of your own). */
  readonly database?: SqlDatabase;
}

/**
 * Versioned like the SQLite schema: a migration is only appended, never edited once shipped; the
 * version lives in `headroom_memory_meta`, and migrations run under an advisory lock so several
 * processes starting at once migrate once.
 */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE headroom_memories (
      id          bigserial PRIMARY KEY,
      text        text NOT NULL,
      fingerprint text NOT NULL UNIQUE,
      scope       text NOT NULL CHECK (scope IN ('global', 'project', 'session')),
      project     text,
      session     text,
      tags        jsonb NOT NULL DEFAULT '[]',
      provenance  jsonb NOT NULL DEFAULT '[]',
      created_at  bigint NOT NULL,
      updated_at  bigint NOT NULL,
      expires_at  bigint,
      search      tsvector GENERATED ALWAYS AS (to_tsvector('english', text || ' ' || tags::text)) STORED
    )`,
    'CREATE INDEX headroom_memories_search ON headroom_memories USING gin (search)',
    'CREATE INDEX headroom_memories_place ON headroom_memories (scope, project, session)',
    'CREATE INDEX headroom_memories_expiry ON headroom_memories (expires_at) WHERE expires_at IS NOT NULL',
  ],
];
export const POSTGRES_MEMORY_SCHEMA_VERSION = MIGRATIONS.length;
/** Advisory lock keys: the schema's, and one per place (its saves one at a time). */
const SCHEMA_LOCK = lockKey('headroom_memory_schema');

/** A 64-bit advisory lock key for a name (the first 8 bytes of its SHA-256), as PostgreSQL's bigint. */
function lockKey(name: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`)).toString();
}

interface Row {
  id: string | number;
  text: string;
  scope: MemoryScope;
  project: string | null;
  session: string | null;
  tags: string[];
  provenance: Provenance[];
  created_at: string | number;
  updated_at: string | number;
  expires_at: string | number | null;
}

/**
 * The memory on PostgreSQL, shared by a team: every developer's agents (through their proxies, MCP
 * servers and CLIs) save to and search one database. Same contract as the SQLite memory —
 * provenance, scopes, exact duplicates stored once and near-duplicates merged (saves to one place
 * are serialised by an advisory lock, so two machines saving the same fact keep one), full-text
 * search (`tsvector`, English stemming) and, where the server has pgvector and an embedder is
 * given, vector search fused with it.
 *
 * @example
 * const memory = await openPostgresMemory({ url: 'postgres://headroom@db.internal/headroom' })
 */
export async function openPostgresMemory(options: PostgresMemoryOptions): Promise<Memory> {
  const db = options.database ?? (await pgDatabase(options.url ?? 'postgres://localhost/headroom'));
  const now = options.now ?? Date.now;
  const threshold = options.mergeThreshold ?? 0.85;
  const maxChars = options.maxTextChars ?? 20_000;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`headroom: warning: ${m}\n`));
  let vectors: Vectors | undefined;
  try {
    await migrate(db);
    vectors = options.embedder ? await openVectors(db, options.embedder, warn) : undefined;
  } catch (error) {
    if (!options.database) await db.close();
    throw error;
  }

  const textCandidates = async (tx: SqlSession, query: string, limit: number, where = '', params: unknown[] = []) => {
    const terms = searchTerms(query);
    if (!terms.length) return [];
    // The terms are letters and digits only (see `words`), so they are safe as tsquery operands.
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM headroom_memories, to_tsquery('english', $1) AS q
       WHERE search @@ q ${where} ORDER BY ts_rank_cd(search, q) DESC, id LIMIT ${Math.floor(limit)}`,
      [terms.join(' | '), ...params],
    );
    return rows.map((r) => Number(r.id));
  };
  const byId = async (tx: SqlSession, id: number) =>
    (await tx.query<Row>('SELECT * FROM headroom_memories WHERE id = $1', [id])).rows[0];
  /** Rows of several ids in one query, in the order of `ids`. */
  const byIds = async (tx: SqlSession, ids: readonly number[]): Promise<Row[]> => {
    if (!ids.length) return [];
    const { rows } = await tx.query<Row>('SELECT * FROM headroom_memories WHERE id = ANY($1::bigint[])', [ids]);
    const found = new Map(rows.map((row) => [Number(row.id), row]));
    return ids.flatMap((id) => found.get(id) ?? []);
  };
  const live = (row: Row | undefined, t: number) =>
    row !== undefined && (row.expires_at === null || Number(row.expires_at) > t) ? row : undefined;

  async function save(input: SaveInput): Promise<SaveResult> {
    const t = now();
    const prepared = prepareSave(input, maxChars, t);
    const embedding = vectors ? await vectors.embed(prepared.text) : undefined;
    const result = await db.transaction(async (tx) => {
      // One place's saves one at a time, across every process on the database.
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey(prepared.place)]);
      await tx.query('DELETE FROM headroom_memories WHERE expires_at IS NOT NULL AND expires_at <= $1', [t]);
      const exact = (
        await tx.query<Row>('SELECT * FROM headroom_memories WHERE fingerprint = $1', [prepared.fingerprint])
      ).rows[0];
      let near = exact;
      if (!near) {
        const ids = await textCandidates(
          tx,
          prepared.text,
          20,
          'AND scope = $2 AND project IS NOT DISTINCT FROM $3 AND session IS NOT DISTINCT FROM $4',
          [prepared.scope, prepared.project, prepared.session],
        );
        near = (await byIds(tx, ids)).find((row) => isNearDuplicate(row.text, prepared.text, threshold));
      }
      if (!near) {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO headroom_memories (text, fingerprint, scope, project, session, tags, provenance, created_at, updated_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
          [
            prepared.text,
            prepared.fingerprint,
            prepared.scope,
            prepared.project,
            prepared.session,
            JSON.stringify(prepared.tags),
            JSON.stringify(prepared.said),
            input.createdAt ?? t,
            t,
            input.expiresAt ?? null,
          ],
        );
        return { id: Number(rows[0]?.id), outcome: 'created' as const };
      }
      const merged = mergedInto(
        {
          text: near.text,
          tags: near.tags,
          provenance: near.provenance,
          expiresAt: near.expires_at === null ? null : Number(near.expires_at),
        },
        prepared,
        exact !== undefined,
        input.expiresAt,
      );
      await tx.query(
        `UPDATE headroom_memories SET text = $2, fingerprint = $3, tags = $4, provenance = $5, updated_at = $6, expires_at = $7
         WHERE id = $1`,
        [
          near.id,
          merged.text,
          fingerprint(merged.text, prepared.place),
          JSON.stringify(merged.tags),
          JSON.stringify(merged.provenance),
          t,
          merged.expiresAt,
        ],
      );
      return { id: Number(near.id), outcome: exact ? ('duplicate' as const) : ('merged' as const) };
    });
    if (vectors && embedding && result.outcome !== 'duplicate') await vectors.put(result.id, embedding);
    return { entry: toEntry((await byId(db, result.id)) as Row), outcome: result.outcome };
  }

  async function search(query: string, options: Parameters<Memory['search']>[1] = {}): Promise<SearchHit[]> {
    const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
    const pool = limit * 5 + 20;
    const t = now();
    const rankings: { ids: number[]; by: 'text' | 'vector' }[] = [
      { ids: await textCandidates(db, query, pool), by: 'text' },
    ];
    if (vectors && query.trim()) rankings.push({ ids: await vectors.nearest(query, pool), by: 'vector' });
    const hits: SearchHit[] = [];
    const fused = fuseRankings(rankings);
    const rows = new Map(
      (
        await byIds(
          db,
          fused.map(([id]) => id),
        )
      ).map((row) => [Number(row.id), row]),
    );
    for (const [id, hit] of fused) {
      const row = live(rows.get(id), t);
      if (!row) continue;
      const entry = toEntry(row);
      if (!isVisible({ ...entry, project: row.project, session: row.session, expiresAt: null }, options, t)) continue;
      if (options.scope && row.scope !== options.scope) continue;
      if (options.tags?.some((tag) => !entry.tags.includes(tag))) continue;
      hits.push({ entry, ...hit });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  async function list(options: ListOptions = {}): Promise<MemoryEntry[]> {
    const t = now();
    const { rows } = await db.query<Row>(
      'SELECT * FROM headroom_memories WHERE expires_at IS NULL OR expires_at > $1 ORDER BY updated_at DESC, id DESC',
      [t],
    );
    return rows
      .filter(
        (row) =>
          options.all ||
          isVisible({ scope: row.scope, project: row.project, session: row.session, expiresAt: null }, options, t),
      )
      .filter((row) => !options.scope || row.scope === options.scope)
      .slice(0, options.limit ?? Number.POSITIVE_INFINITY)
      .map(toEntry);
  }

  return {
    save,
    search,
    list,
    get: async (id) => {
      const row = live(await byId(db, id), now());
      return row ? toEntry(row) : undefined;
    },
    forget: async (id) =>
      (await db.query('DELETE FROM headroom_memories WHERE id = $1 RETURNING id', [id])).rows.length > 0,
    export: async (options = { all: true }) => exportOf(await list(options), now()),
    import: (data) => importInto(save, data),
    count: async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM headroom_memories')).rows[0]?.n ?? 0),
    searchKinds: async () => (vectors ? ['text', 'vector'] : ['text']),
    close: async () => {
      await vectors?.settled();
      if (!options.database) await db.close();
    },
  };
}

function toEntry(row: Row): MemoryEntry {
  return {
    id: Number(row.id),
    text: row.text,
    scope: row.scope,
    ...(row.project !== null ? { project: row.project } : {}),
    ...(row.session !== null ? { session: row.session } : {}),
    tags: row.tags,
    provenance: row.provenance,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.expires_at !== null ? { expiresAt: Number(row.expires_at) } : {}),
  };
}

async function migrate(db: SqlDatabase): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS headroom_memory_meta (name text PRIMARY KEY, value text NOT NULL)');
    const current = Number(
      (await tx.query<{ value: string }>("SELECT value FROM headroom_memory_meta WHERE name = 'schema_version'"))
        .rows[0]?.value ?? 0,
    );
    if (current > POSTGRES_MEMORY_SCHEMA_VERSION)
      throw new Error(
        `the memory tables have schema version ${current}, newer than this Headroom understands (${POSTGRES_MEMORY_SCHEMA_VERSION}); upgrade Headroom`,
      );
    // One statement per query: the extended protocol (parameters, PGlite) takes no more.
    for (let v = current; v < POSTGRES_MEMORY_SCHEMA_VERSION; v++)
      for (const statement of MIGRATIONS[v] ?? []) await tx.query(statement);
    await tx.query(
      `INSERT INTO headroom_memory_meta (name, value) VALUES ('schema_version', $1)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
      [String(POSTGRES_MEMORY_SCHEMA_VERSION)],
    );
  });
}

interface Vectors {
  embed(text: string): Promise<Float32Array>;
  put(id: number, embedding: Float32Array): Promise<void>;
  nearest(query: string, limit: number): Promise<number[]>;
  /** Resolves when the background fill of memories saved without a vector is done. */
  settled(): Promise<void>;
}

/**
 * Vector search where the server has pgvector (detected: Debian's PostgreSQL has none, PGlite and
 * most managed services do); otherwise `undefined`, with a warning, and search is full-text only.
 * Memories saved before an embedder was configured get their vectors in the background.
 */
async function openVectors(
  db: SqlDatabase,
  embedder: Embedder,
  warn: (message: string) => void,
): Promise<Vectors | undefined> {
  const available = (
    await db.query<{ n: string }>("SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'vector'")
  ).rows[0];
  if (!Number(available?.n)) {
    warn('this PostgreSQL server has no pgvector extension; memory search is full-text only');
    return undefined;
  }
  const dimensions = embedder.dimensions;
  try {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK]);
      await tx.query('CREATE EXTENSION IF NOT EXISTS vector');
      await tx.query(
        `CREATE TABLE IF NOT EXISTS headroom_memory_vectors (
           id bigint PRIMARY KEY REFERENCES headroom_memories (id) ON DELETE CASCADE,
           embedding vector(${Math.floor(dimensions)}) NOT NULL
         )`,
      );
    });
  } catch (error) {
    warn(`cannot use pgvector (${(error as Error).message}); memory search is full-text only`);
    return undefined;
  }
  const literal = (v: Float32Array) => `[${Array.from(v).join(',')}]`;
  const embed = async (text: string) => (await embedder.embed([text]))[0] as Float32Array;
  const put = async (id: number, embedding: Float32Array) => {
    await db.query(
      `INSERT INTO headroom_memory_vectors (id, embedding) VALUES ($1, $2::vector)
       ON CONFLICT (id) DO UPDATE SET embedding = excluded.embedding`,
      [id, literal(embedding)],
    );
  };
  const fill = (async () => {
    const { rows } = await db.query<{ id: string; text: string }>(
      `SELECT m.id, m.text FROM headroom_memories m LEFT JOIN headroom_memory_vectors v ON v.id = m.id
       WHERE v.id IS NULL ORDER BY m.id`,
    );
    for (let i = 0; i < rows.length; i += 32) {
      const batch = rows.slice(i, i + 32);
      const vectors = await embedder.embed(batch.map((r) => r.text));
      for (const [k, row] of batch.entries()) await put(Number(row.id), vectors[k] as Float32Array);
    }
  })().catch((error: Error) => warn(`could not embed the memories saved before: ${error.message}`));
  return {
    embed,
    put,
    async nearest(query, limit) {
      await fill;
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM headroom_memory_vectors ORDER BY embedding <=> $1::vector LIMIT ${Math.floor(limit)}`,
        [literal(await embed(query))],
      );
      return rows.map((r) => Number(r.id));
    },
    settled: async () => {
      await fill;
    },
  };
}

/** A `pg` pool on `url`, as the memory's database (loaded only when PostgreSQL is used). */
export async function pgDatabase(url: string): Promise<SqlDatabase> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000 });
  pool.on('error', () => {
    // An idle connection that dropped: the pool replaces it; the next query says what is wrong.
  });
  return {
    query: (text, params) => pool.query(text, params as unknown[]) as never,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: (text, params) => client.query(text, params as unknown[]) as never });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** A PGlite instance (PostgreSQL in WebAssembly, in this process) as the memory's database. */
export function pgliteDatabase(pglite: {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  transaction<T>(
    work: (tx: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}): SqlDatabase {
  return {
    query: (text, params) => pglite.query(text, params),
    transaction: (work) => pglite.transaction((tx) => work({ query: (text, params) => tx.query(text, params) })),
    close: () => pglite.close(),
  };
}
