import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** The `headroom` command as a user runs it: the CLI package's built entry. */
export const HEADROOM_BIN = join(dirname(require.resolve('@headroom/cli/package.json')), 'dist', 'headroom.js');
/** The agents' commands, installed as this package's dev dependencies. */
export const AGENT_BIN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin');

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

const homes: string[] = [];

/** A scratch home for one run: nothing of the user's real configuration is read or written. */
export function scratchHome(label: string): string {
  const home = mkdtempSync(join(tmpdir(), `headroom-e2e-${label}-`));
  homes.push(home);
  for (const dir of ['.config', '.cache', '.local/share', '.local/state', 'work'])
    mkdirSync(join(home, dir), { recursive: true });
  return home;
}

/** Environment every run shares: a scratch HOME and XDG dirs, loopback only, no telemetry or updates. */
export function baseEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${AGENT_BIN_DIR}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_STATE_HOME: join(home, '.local/state'),
    HEADROOM_HOME: join(home, '.headroom'),
    TERM: 'dumb',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    // Nothing leaves the machine: any proxy setting of the host is dropped, loopback is direct.
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}

/** Runs a command to its end (killed after `timeoutMs`), collecting its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<Finished> {
  const started = performance.now();
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

export interface RunningProxy {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** `headroom proxy` started as a user starts it, on a free port; resolves once it says where it listens. */
export async function startHeadroomProxy(
  env: Record<string, string>,
  args: readonly string[] = [],
): Promise<RunningProxy> {
  const child: ChildProcess = spawn(process.execPath, [HEADROOM_BIN, 'proxy', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headroom proxy did not start:\n${output}`)), 60_000);
    const seen = (d: Buffer) => {
      output += d.toString();
      const match = /Headroom proxy on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.on('exit', (code) => reject(new Error(`headroom proxy exited with ${code}:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Removes every scratch home made so far (the agents leave sessions and caches in them). */
export function removeScratchHomes(): void {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
}
