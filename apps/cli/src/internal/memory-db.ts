import { join, resolve } from 'node:path';
import { headroomHome, withoutPassword } from '@headroom/core';
import type { Memory } from '@headroom/memory';
import { inputError, usageError } from './cli-error.js';
import { configuredEmbedder } from './embedder.js';
import type { CliIo } from './io.js';

/**
 * Where the shared memory lives, from one URL — `--memory-db`, else HEADROOM_MEMORY_DB, else the
 * machine's database: `sqlite:` ($HEADROOM_HOME/ccr.db), `sqlite:PATH`, or
 * `postgres://user:password@host:5432/db` for a team's memory (pgvector used where the server has it).
 */
export async function openMemoryDb(
  io: CliIo,
  flag: string | undefined,
): Promise<{ memory: Memory; location: string; kind: 'sqlite' | 'postgres' }> {
  const url = flag ?? io.env.HEADROOM_MEMORY_DB ?? 'sqlite:';
  const embedder = await configuredEmbedder(io);
  const onWarning = (message: string) => {
    io.stderr.write(`headroom: warning: ${message}\n`);
  };
  const common = { ...(embedder ? { embedder } : {}), onWarning };
  if (url.startsWith('sqlite:')) {
    const path =
      url === 'sqlite:' ? join(headroomHome(io.env), 'ccr.db') : resolve(io.cwd, url.slice('sqlite:'.length));
    const { openMemory } = await import('@headroom/memory');
    return { memory: openMemory({ path, ...common }), location: path, kind: 'sqlite' };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgresMemory } = await import('@headroom/memory/postgres');
    const location = withoutPassword(url);
    const memory = await openPostgresMemory({ url, ...common }).catch((error: Error) => {
      throw inputError(`cannot open the memory at ${location}: ${error.message}`, error);
    });
    return { memory, location, kind: 'postgres' };
  }
  throw usageError(`--memory-db takes sqlite:[path] or postgres://user@host:5432/db; got '${url}'`);
}
