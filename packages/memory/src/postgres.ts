// Node-only: the shared memory on PostgreSQL (`pg`), with pgvector where the server has it.

export {
  openPostgresMemory,
  POSTGRES_MEMORY_SCHEMA_VERSION,
  type PostgresMemoryOptions,
  pgDatabase,
  pgliteDatabase,
  type SqlDatabase,
  type SqlSession,
} from './postgres-memory.js';
