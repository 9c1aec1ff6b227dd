// Node-only: the default SQLite store (better-sqlite3).

export {
  type CounterRow,
  createSqliteCounters,
  type SqliteCounters,
  type SqliteCountersOptions,
} from './store/sqlite-counters.js';
export {
  createSqliteFirstSight,
  type SqliteFirstSight,
  type SqliteFirstSightOptions,
} from './store/sqlite-first-sight.js';
export {
  createSqliteStore,
  defaultStorePath,
  headroomHome,
  openHeadroomDatabase,
  type SqliteStoreOptions,
} from './store/sqlite-store.js';
