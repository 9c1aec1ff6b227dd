import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningPostgres {
  /** `postgres://headroom@<socket dir>/postgres`: a private Unix socket, no TCP port. */
  readonly url: string;
  /** A URL to a new, empty database on the server. */
  freshDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** The server binaries of the newest PostgreSQL Debian installed, if any. */
function binaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/**
 * Whether real PostgreSQL suites can run: Debian's `postgresql` package. `HEADROOM_REQUIRE_SERVERS=1`
 * (CI, which installs it) turns its absence into a failure instead of a skipped suite.
 */
export function postgresServerAvailable(): boolean {
  const found = binaries() !== undefined;
  if (!found && process.env.HEADROOM_REQUIRE_SERVERS === '1')
    throw new Error('PostgreSQL is not installed (apt-get install postgresql), and HEADROOM_REQUIRE_SERVERS=1');
  return found;
}

/**
 * A real PostgreSQL server for a test: a fresh cluster in a temporary directory (no fsync), on a
 * Unix socket there and no TCP port. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user Debian's package creates.
 */
export async function startPostgresServer(): Promise<RunningPostgres> {
  const bin = binaries();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(join(tmpdir(), 'headroom-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  execFileSync(
    ...as(join(bin, 'initdb'), ['-D', data, '-U', 'headroom', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']),
    { stdio: 'ignore' },
  );
  const child = spawn(
    ...as(join(bin, 'postgres'), [
      '-D',
      data,
      '-k',
      dir,
      '-c',
      'listen_addresses=',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await ready(child);
  const url = (database: string) => `postgres://headroom@${encodeURIComponent(dir)}/${database}`;
  let databases = 0;
  return {
    url: url('postgres'),
    async freshDatabase() {
      const name = `headroom_test_${++databases}`;
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return url(name);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // The server itself, by the pid it wrote: runuser (as root) does not pass signals on.
        const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`postgres did not start:\n${output}`));
    }, 20_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (/ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}:\n${output}`));
    });
  });
}
