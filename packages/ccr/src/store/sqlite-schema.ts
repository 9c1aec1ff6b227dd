import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order. `PRAGMA user_version` records how many have run; a new
 * version only ever appends a migration, never edits one that shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE originals (
    key            TEXT PRIMARY KEY NOT NULL,
    original       BLOB NOT NULL,
    encoding       TEXT NOT NULL,
    bytes          INTEGER NOT NULL,
    content_type   TEXT NOT NULL,
    tool_name      TEXT,
    tokens         INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    last_access_at INTEGER NOT NULL,
    hits           INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX originals_by_access ON originals (last_access_at);
  CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
  INSERT INTO counters (name, value) VALUES ('bytes', 0), ('expired', 0), ('evicted_for_size', 0), ('evicted_young', 0);
  -- Triggers keep the byte total right whichever process writes.
  CREATE TRIGGER originals_add_bytes AFTER INSERT ON originals
    BEGIN UPDATE counters SET value = value + NEW.bytes WHERE name = 'bytes'; END;
  CREATE TRIGGER originals_remove_bytes AFTER DELETE ON originals
    BEGIN UPDATE counters SET value = value - OLD.bytes WHERE name = 'bytes'; END;
  `,
  // v2: what each segment became the first time a proxy saw it, so it survives a restart.
  `
  CREATE TABLE first_sight (
    key       TEXT PRIMARY KEY NOT NULL,
    text      TEXT NOT NULL,
    skipped   TEXT,
    last_used INTEGER NOT NULL
  );
  CREATE INDEX first_sight_by_use ON first_sight (last_used);
  `,
  // v3: which transform really produced a first sight when the routed one delegated (Kompress → prose).
  `
  ALTER TABLE first_sight ADD COLUMN via TEXT;
  `,
  // v4: the proxies' figures, added up by every process that shares the file.
  `
  CREATE TABLE usage_counters (
    day   TEXT NOT NULL,
    agent TEXT NOT NULL,
    model TEXT NOT NULL,
    name  TEXT NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (day, agent, model, name)
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Throws `NewerSchemaError` when a newer Headroom wrote the database. Reads only. */
export function assertKnownSchema(db: Database.Database): void {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) throw new NewerSchemaError(found);
}

/** Brings the database to the current schema. Safe when several processes open it at once. */
export function migrate(db: Database.Database): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() === SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = version();
    if (current > SCHEMA_VERSION) {
      throw new NewerSchemaError(current);
    }
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v] as string);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** The database was written by a newer Headroom; it is left untouched. */
export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(`the CCR database has schema version ${found}, newer than this Headroom understands (${SCHEMA_VERSION})`);
  }
}
