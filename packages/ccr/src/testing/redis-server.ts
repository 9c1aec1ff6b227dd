import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningRedis {
  /** `redis+unix:///…/redis.sock`: the server listens on a private socket only, no TCP port. */
  readonly url: string;
  readonly socket: string;
  /** Kills the server (SIGKILL when `hard`) and, unless `keepDir`, removes its directory. */
  stop(options?: { readonly hard?: boolean; readonly keepDir?: boolean }): Promise<void>;
  /** Starts the server again on the same socket after a `stop({ keepDir: true })`. */
  restart(): Promise<RunningRedis>;
}

/**
 * Whether real Redis suites must run: `HEADROOM_REQUIRE_SERVERS=1` (CI, which installs
 * `redis-server`) turns a missing server binary into a failure instead of a skipped suite.
 */
export function redisServerAvailable(): boolean {
  const found = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!found && process.env.HEADROOM_REQUIRE_SERVERS === '1') {
    throw new Error('redis-server is not installed (apt-get install redis-server), and HEADROOM_REQUIRE_SERVERS=1');
  }
  return found;
}

/**
 * A real `redis-server` for a test: no persistence, on a Unix socket in a fresh directory, so
 * suites never touch a server the machine already runs.
 */
export async function startRedisServer(dir = mkdtempSync(join(tmpdir(), 'headroom-redis-'))): Promise<RunningRedis> {
  const socket = join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await ready(child).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    url: `redis+unix://${socket}`,
    socket,
    async stop(options = {}) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill(options.hard ? 'SIGKILL' : 'SIGTERM');
        await exited;
      }
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
    restart: () => startRedisServer(dir),
  };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}
