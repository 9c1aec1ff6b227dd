import { defaultStorePath, openHeadroomDatabase } from '@headroom/ccr/sqlite';
import { DEFAULT_LIMIT, fuseRankings, isVisible, mergedInto, prepareSave, SCOPES, searchTerms } from './rules.js';
import { migrateMemory } from './schema.js';
import { fingerprint, isNearDuplicate } from './similarity.js';
import type {
  MemoryContext,
  MemoryEntry,
  MemoryExport,
  MemoryRuleOptions,
  MemoryScope,
  Provenance,
  SaveInput,
  SaveResult,
  SearchHit,
  SearchOptions,
} from './types.js';
import { VectorIndex } from './vectors.js';

export interface MemoryOptions extends MemoryRuleOptions {
  /** Database file. Default `$HEADROOM_HOME/ccr.db`, the file the CCR store and proxy use. */
  readonly path?: string;
  readonly busyTimeoutMs?: number;
}

export interface ListOptions extends MemoryContext {
  /** Every memory, whatever its project or session. */
  readonly all?: boolean;
  readonly scope?: MemoryScope;
  readonly limit?: number;
}

/**
 * The memory every agent shares. Asynchronous throughout, so a memory on another machine (the
 * PostgreSQL one in `@headroom/memory/postgres`) fits the same seam; both pass one conformance suite.
 */
export interface Memory {
  save(input: SaveInput): Promise<SaveResult>;
  search(query: string, options?: SearchOptions): Promise<SearchHit[]>;
  list(options?: ListOptions): Promise<MemoryEntry[]>;
  get(id: number): Promise<MemoryEntry | undefined>;
  /** Removes a memory; false when there was none with this id. */
  forget(id: number): Promise<boolean>;
  export(options?: ListOptions): Promise<MemoryExport>;
  /** Saves every memory of an export (duplicates and near-duplicates merge as usual). */
  import(data: unknown): Promise<{ created: number; duplicate: number; merged: number }>;
  count(): Promise<number>;
  /** What search runs on: full text alone, or full text and vectors (an embedder, and where the database has them). */
  searchKinds(): Promise<readonly ('text' | 'vector')[]>;
  close(): Promise<void>;
}

interface Row {
  id: number;
  text: string;
  fingerprint: string;
  scope: MemoryScope;
  project: string | null;
  session: string | null;
  tags: string;
  provenance: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
}

/**
 * Opens the machine's memory: shared by every agent and process (the proxy, MCP servers, the
 * CLI) through one SQLite file. Saves are transactions, so concurrent writers lose nothing.
 *
 * @example
 * const memory = openMemory()
 * await memory.save({ text: 'Tests run with pnpm test', agent: 'claude-code', project: process.cwd() })
 * const hits = await memory.search('how do I run the tests', { project: process.cwd() })
 */
export function openMemory(options: MemoryOptions = {}): Memory {
  const now = options.now ?? Date.now;
  const threshold = options.mergeThreshold ?? 0.85;
  const maxChars = options.maxTextChars ?? 20_000;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`headroom: warning: ${m}\n`));
  const db = openHeadroomDatabase(options.path ?? defaultStorePath(), {
    ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}),
    onWarning: warn,
  });
  migrateMemory(db);
  const vectors = options.embedder ? VectorIndex.open(db, options.embedder, warn) : undefined;

  const q = {
    byFingerprint: db.prepare<[string], Row>('SELECT * FROM memories WHERE fingerprint = ?'),
    byId: db.prepare<[number], Row>('SELECT * FROM memories WHERE id = ?'),
    insert: db.prepare(
      `INSERT INTO memories (text, fingerprint, scope, project, session, tags, provenance, created_at, updated_at, expires_at)
       VALUES (@text, @fingerprint, @scope, @project, @session, @tags, @provenance, @createdAt, @updatedAt, @expiresAt)`,
    ),
    update: db.prepare(
      `UPDATE memories SET text = @text, fingerprint = @fingerprint, tags = @tags, provenance = @provenance,
       updated_at = @updatedAt, expires_at = @expiresAt WHERE id = @id`,
    ),
    remove: db.prepare('DELETE FROM memories WHERE id = ?'),
    expire: db.prepare('DELETE FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING id'),
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM memories'),
    textSearch: db.prepare<[string, number], { id: number }>(
      'SELECT rowid AS id FROM memories_fts WHERE memories_fts MATCH ? ORDER BY bm25(memories_fts) LIMIT ?',
    ),
  };

  const visible = (row: Row, context: MemoryContext, t: number) =>
    isVisible({ ...row, expiresAt: row.expires_at }, context, t);

  /** Full-text candidates, best first: any of the query's meaningful words, quoted so FTS syntax never breaks. */
  const textCandidates = (query: string, limit: number): number[] => {
    const terms = searchTerms(query);
    if (!terms.length) return [];
    return q.textSearch.all(terms.map((t) => `"${t}"`).join(' OR '), limit).map((r) => r.id);
  };

  const purgeExpired = () => {
    for (const { id } of q.expire.all(now()) as { id: number }[]) vectors?.remove(id);
  };

  async function save(input: SaveInput): Promise<SaveResult> {
    const t = now();
    const prepared = prepareSave(input, maxChars, t);
    const { text, scope, project, session, said, tags } = prepared;
    // Near-duplicate candidates are found before the write lock: the search reads, the save writes.
    const similar = textCandidates(text, 20);
    await vectors?.ready();
    const embedding = vectors ? await vectors.embed(text) : undefined;

    const outcome = db
      .transaction((): { id: number; outcome: SaveResult['outcome'] } => {
        purgeExpired();
        const exact = q.byFingerprint.get(prepared.fingerprint);
        const near =
          exact ??
          similar
            .map((id) => q.byId.get(id))
            .find(
              (row): row is Row =>
                row !== undefined &&
                row.scope === scope &&
                row.project === project &&
                row.session === session &&
                isNearDuplicate(row.text, text, threshold),
            );
        if (!near) {
          const info = q.insert.run({
            text,
            fingerprint: prepared.fingerprint,
            scope,
            project,
            session,
            tags: JSON.stringify(tags),
            provenance: JSON.stringify(said),
            createdAt: input.createdAt ?? t,
            updatedAt: t,
            expiresAt: input.expiresAt ?? null,
          });
          return { id: Number(info.lastInsertRowid), outcome: 'created' };
        }
        const merged = mergedInto(
          {
            text: near.text,
            tags: JSON.parse(near.tags) as string[],
            provenance: JSON.parse(near.provenance) as Provenance[],
            expiresAt: near.expires_at,
          },
          prepared,
          exact !== undefined,
          input.expiresAt,
        );
        q.update.run({
          id: near.id,
          text: merged.text,
          fingerprint: fingerprint(merged.text, prepared.place),
          tags: JSON.stringify(merged.tags),
          provenance: JSON.stringify(merged.provenance),
          updatedAt: t,
          expiresAt: merged.expiresAt,
        });
        return { id: near.id, outcome: exact ? 'duplicate' : 'merged' };
      })
      .immediate();
    if (vectors && embedding && outcome.outcome !== 'duplicate') vectors.put(outcome.id, embedding);
    return { entry: toEntry(q.byId.get(outcome.id) as Row), outcome: outcome.outcome };
  }

  async function search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = Math.max(1, options.limit ?? DEFAULT_LIMIT);
    const pool = limit * 5 + 20;
    const t = now();
    const rankings: { ids: number[]; by: 'text' | 'vector' }[] = [{ ids: textCandidates(query, pool), by: 'text' }];
    if (vectors && query.trim()) {
      await vectors.ready();
      rankings.push({ ids: vectors.nearest(await vectors.embed(query), pool), by: 'vector' });
    }
    const hits: SearchHit[] = [];
    for (const [id, hit] of fuseRankings(rankings)) {
      const row = q.byId.get(id);
      if (!row || !visible(row, options, t)) continue;
      if (options.scope && row.scope !== options.scope) continue;
      const entry = toEntry(row);
      if (options.tags?.some((tag) => !entry.tags.includes(tag))) continue;
      hits.push({ entry, ...hit });
      if (hits.length >= limit) break;
    }
    return hits;
  }

  function list(options: ListOptions = {}): MemoryEntry[] {
    const t = now();
    const rows = db.prepare<[], Row>('SELECT * FROM memories ORDER BY updated_at DESC, id DESC').all();
    return rows
      .filter((row) => (options.all ? row.expires_at === null || row.expires_at > t : visible(row, options, t)))
      .filter((row) => !options.scope || row.scope === options.scope)
      .slice(0, options.limit ?? Number.POSITIVE_INFINITY)
      .map(toEntry);
  }

  return {
    save,
    search,
    list: async (options) => list(options),
    get: async (id) => {
      const row = q.byId.get(id);
      return row && (row.expires_at === null || row.expires_at > now()) ? toEntry(row) : undefined;
    },
    forget: async (id) => {
      const removed = q.remove.run(id).changes > 0;
      if (removed) vectors?.remove(id);
      return removed;
    },
    export: async (options = { all: true }) => exportOf(list(options), now()),
    import: (data) => importInto(save, data),
    count: async () => (q.count.get() as { n: number }).n,
    searchKinds: async () => (vectors ? ['text', 'vector'] : ['text']),
    close: async () => {
      db.close();
    },
  };
}

export function exportOf(memories: MemoryEntry[], at: number): MemoryExport {
  return { format: 'headroom-memory', version: 1, exportedAt: at, memories };
}

/** Saves every memory of an export through `save`, after checking the whole file. */
export async function importInto(
  save: (input: SaveInput) => Promise<SaveResult>,
  data: unknown,
): Promise<{ created: number; duplicate: number; merged: number }> {
  const memories = parseExport(data);
  const counts = { created: 0, duplicate: 0, merged: 0 };
  for (const m of memories) {
    const { outcome } = await save({
      text: m.text,
      scope: m.scope,
      ...(m.project ? { project: m.project } : {}),
      ...(m.session ? { session: m.session } : {}),
      tags: m.tags,
      provenance: m.provenance,
      createdAt: m.createdAt,
      ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
    });
    counts[outcome]++;
  }
  return counts;
}

function toEntry(row: Row): MemoryEntry {
  return {
    id: row.id,
    text: row.text,
    scope: row.scope,
    ...(row.project !== null ? { project: row.project } : {}),
    ...(row.session !== null ? { session: row.session } : {}),
    tags: JSON.parse(row.tags) as string[],
    provenance: JSON.parse(row.provenance) as Provenance[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
  };
}

/** Checks an export before anything is written, so a bad file changes nothing. */
function parseExport(data: unknown): MemoryEntry[] {
  const exported = data as Partial<MemoryExport> | undefined;
  if (exported?.format !== 'headroom-memory' || !Array.isArray(exported.memories))
    throw new TypeError('not a Headroom memory export (expected {"format": "headroom-memory", "memories": [...]})');
  if (exported.version !== 1)
    throw new TypeError(
      `a Headroom memory export of version ${String(exported.version)}, which this Headroom cannot read (it reads 1)`,
    );
  exported.memories.forEach((m, i) => {
    if (
      typeof m?.text !== 'string' ||
      !SCOPES.includes(m.scope) ||
      !Array.isArray(m.tags) ||
      !Array.isArray(m.provenance)
    )
      throw new TypeError(`memory ${i} of the export is malformed (needs text, scope, tags and provenance)`);
  });
  return exported.memories as MemoryEntry[];
}
