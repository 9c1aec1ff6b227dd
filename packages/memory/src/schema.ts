import type Database from 'better-sqlite3';

/**
 * Memory's tables live in the same SQLite file as the CCR store (one file per machine under
 * HEADROOM_HOME). The file's `user_version` belongs to the CCR schema, so memory keeps its own
 * version in `memory_meta`; a migration is only ever appended, never edited once shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE memories (
    id          INTEGER PRIMARY KEY,
    text        TEXT NOT NULL,
    fingerprint TEXT NOT NULL UNIQUE,
    scope       TEXT NOT NULL CHECK (scope IN ('global', 'project', 'session')),
    project     TEXT,
    session     TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    provenance  TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    expires_at  INTEGER
  );
  CREATE INDEX memories_by_place ON memories (scope, project, session);
  CREATE INDEX memories_by_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;
  CREATE VIRTUAL TABLE memories_fts USING fts5(
    text, tags, content = 'memories', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
    INSERT INTO memories_fts (rowid, text, tags) VALUES (NEW.id, NEW.text, NEW.tags);
  END;
  CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text, tags) VALUES ('delete', OLD.id, OLD.text, OLD.tags);
  END;
  CREATE TRIGGER memories_fts_update AFTER UPDATE OF text, tags ON memories BEGIN
    INSERT INTO memories_fts (memories_fts, rowid, text, tags) VALUES ('delete', OLD.id, OLD.text, OLD.tags);
    INSERT INTO memories_fts (rowid, text, tags) VALUES (NEW.id, NEW.text, NEW.tags);
  END;
  `,
];

export const MEMORY_SCHEMA_VERSION = MIGRATIONS.length;

/** Brings memory's tables to the current version; safe when several processes open the file at once. */
export function migrateMemory(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS memory_meta (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)');
  const version = () =>
    Number(
      (db.prepare("SELECT value FROM memory_meta WHERE name = 'schema_version'").get() as { value: string } | undefined)
        ?.value ?? 0,
    );
  if (version() === MEMORY_SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = version();
    if (current > MEMORY_SCHEMA_VERSION)
      throw new Error(
        `the memory tables have schema version ${current}, newer than this Headroom understands (${MEMORY_SCHEMA_VERSION}); upgrade Headroom`,
      );
    for (let v = current; v < MEMORY_SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    db.prepare("INSERT OR REPLACE INTO memory_meta (name, value) VALUES ('schema_version', ?)").run(
      String(MEMORY_SCHEMA_VERSION),
    );
  }).immediate();
}
