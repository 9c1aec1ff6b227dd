// Node-only: the default SQLite store (better-sqlite3).
export { createSqliteStore, defaultStorePath, headroomHome, type SqliteStoreOptions } from './store/sqlite-store.js';
