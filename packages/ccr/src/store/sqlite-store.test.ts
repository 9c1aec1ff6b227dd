import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeadroomError } from '@headroom/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { entryFor, runStoreConformance } from '../testing/store-conformance.js';
import { SCHEMA_VERSION } from './sqlite-schema.js';
import { createSqliteStore } from './sqlite-store.js';

runStoreConformance('sqlite', (options) => createSqliteStore({ ...options, path: join(tempDir(), 'ccr.db') }));

/** The built store, as another process loads it. */
const BUILT = fileURLToPath(new URL('../../dist/sqlite.js', import.meta.url));

/** Runs a script in a separate Node process with the built store at hand as `createSqliteStore`. */
function child(script: string, args: string[]) {
  const source = `import { createSqliteStore } from ${JSON.stringify(BUILT)};\nconst [path, tag] = process.argv.slice(1);\n${script}`;
  return spawn(process.execPath, ['--input-type=module', '-e', source, '--', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(
  proc: ReturnType<typeof spawn>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => proc.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('sqlite store on disk', () => {
  it('survives a restart: a new process reads what the last one wrote', async () => {
    const path = join(tempDir(), 'ccr.db');
    const entry = entryFor('kept across restarts\n'.repeat(100));
    const writer = child('const s = createSqliteStore({ path }); await s.put(JSON.parse(tag)); await s.close();', [
      path,
      JSON.stringify(entry),
    ]);
    expect((await exited(writer)).code).toBe(0);
    const store = createSqliteStore({ path });
    expect((await store.get(entry.key))?.original).toBe(entry.original);
    await store.close();
  });

  it('creates its directory 0700 and its file 0600, at the current schema version', async () => {
    const home = join(tempDir(), 'home', '.headroom');
    const path = join(home, 'ccr.db');
    await createSqliteStore({ path }).close();
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const db = new Database(path, { readonly: true });
    expect({
      version: db.pragma('user_version', { simple: true }),
      wal: db.pragma('journal_mode', { simple: true }),
    }).toEqual({
      version: SCHEMA_VERSION,
      wal: 'wal',
    });
    db.close();
  });

  it('loses no committed entry when the writer is killed with SIGKILL mid-batch', async () => {
    const path = join(tempDir(), 'ccr.db');
    const writer = child(
      `const s = createSqliteStore({ path });
       for (let batch = 0; ; batch++) {
         const entries = Array.from({ length: 50 }, (_, i) => {
           const original = 'batch ' + batch + ' entry ' + i + ' ' + 'x'.repeat(4000);
           return { key: (batch * 1000 + i).toString(16).padStart(24, '0'), original, contentType: 'text', tokens: 1000 };
         });
         await s.putMany(entries);
         process.stdout.write(entries.map((e) => e.key).join(' ') + '\\n');
       }`,
      [path],
    );
    const committed: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve) => {
      writer.on('close', () => resolve());
      writer.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) committed.push(...line.split(' '));
        if (committed.length >= 1500) {
          writer.kill('SIGKILL');
          resolve();
        }
      });
    });
    const { signal, stderr } = await exited(writer);
    expect({ signal, stderr }).toEqual({ signal: 'SIGKILL', stderr: '' });
    const store = createSqliteStore({ path });
    const found = await Promise.all(committed.map((key) => store.get(key)));
    const missing = committed.filter((_key, i) => found[i] === undefined);
    expect(missing).toEqual([]);
    expect((await store.stats()).entries % 50).toBe(0); // whole batches only: a killed batch left nothing behind
    await store.close();
  });

  it('lets two processes write and read the same database at once', async () => {
    const path = join(tempDir(), 'ccr.db');
    const script = `const s = createSqliteStore({ path });
      const keys = [];
      for (let i = 0; i < 300; i++) {
        const original = tag + ' ' + i + ' ' + 'y'.repeat(2000);
        const key = (tag === 'a' ? 'a' : 'b') + i.toString(16).padStart(23, '0');
        await s.put({ key, original, contentType: 'text', tokens: 500 });
        keys.push([key, original]);
        const [k, o] = keys[(i * 7) % keys.length];
        if ((await s.get(k))?.original !== o) throw new Error('read back the wrong bytes for ' + k);
      }
      await s.close();`;
    const [a, b] = await Promise.all([exited(child(script, [path, 'a'])), exited(child(script, [path, 'b']))]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    const store = createSqliteStore({ path });
    expect((await store.stats()).entries).toBe(600);
    await store.close();
  });

  it('moves a corrupt file aside with a warning and starts fresh, overwriting nothing', async () => {
    const dir = tempDir();
    const path = join(dir, 'ccr.db');
    const garbage = Buffer.from('this is not a database '.repeat(500));
    writeFileSync(path, garbage);
    const warnings: string[] = [];
    const store = createSqliteStore({ path, onWarning: (m) => warnings.push(m) });
    const entry = entryFor('fresh start');
    await store.put(entry);
    expect((await store.get(entry.key))?.original).toBe('fresh start');
    await store.close();
    const aside = readdirSync(dir).filter((f) => f.startsWith('ccr.db.unusable-'));
    expect(aside).toHaveLength(1);
    expect(Buffer.compare(readFileSync(join(dir, aside[0] as string)), garbage)).toBe(0);
    expect(warnings).toEqual([
      `${path} was not a usable database (SQLITE_NOTADB); moved it to ${join(dir, aside[0] as string)} and started a fresh store`,
    ]);
  });

  it('moves an unreadable path (a directory where the file should be) aside too', async () => {
    const dir = tempDir();
    const path = join(dir, 'ccr.db');
    mkdirSync(path);
    writeFileSync(join(path, 'precious.txt'), 'keep me');
    const warnings: string[] = [];
    await createSqliteStore({ path, onWarning: (m) => warnings.push(m) }).close();
    const aside = readdirSync(dir).find((f) => f.startsWith('ccr.db.unusable-')) ?? '';
    expect(readFileSync(join(dir, aside, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(statSync(path).isFile()).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a database from a newer Headroom and leaves it untouched', () => {
    const path = join(tempDir(), 'ccr.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const before = readFileSync(path);
    let error: unknown;
    try {
      createSqliteStore({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeadroomError);
    expect((error as HeadroomError).code).toBe('store_unavailable');
    expect((error as Error).message).toBe(
      `${path}: the CCR database has schema version 99, newer than this Headroom understands (${SCHEMA_VERSION}); upgrade Headroom or point HEADROOM_HOME elsewhere`,
    );
    expect(Buffer.compare(readFileSync(path), before)).toBe(0);
    expect(existsSync(`${path}.unusable`)).toBe(false);
  });
});
