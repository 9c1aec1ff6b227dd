#!/usr/bin/env node
// Runs the `headroom` command from a checkout (`pnpm -s headroom …`). Builds the workspace
// first when the CLI has not been built yet or any package source is newer than its build,
// so the command always runs what the sources say. Build output is shown only on failure,
// keeping stdout clean for `--json`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(root, 'apps/cli/dist/headroom.js');

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(bin)) return true;
  const built = statSync(bin).mtimeMs;
  const packageDirs = ['packages', 'apps'].flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => join(root, group, name)) : [],
  );
  return packageDirs.some(
    (dir) => newestMtime(join(dir, 'src')) > built || statSync(join(dir, 'package.json')).mtimeMs > built,
  );
}

if (isStale()) {
  if (process.stderr.isTTY) process.stderr.write('headroom: building the workspace…\n');
  const build = spawnSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@headroom/cli...', '--output-logs=errors-only'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
    },
  );
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
    process.stderr.write("headroom: the build failed (output above). Run 'pnpm install' first if you have not.\n");
    process.exit(1);
  }
}

// pnpm runs this script in the checkout; the user's own directory is INIT_CWD, and relative paths
// (and the agents `headroom wrap` starts) belong there.
if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import(pathToFileURL(bin).href);
