import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

/** The third-party packages the documented examples import, at the workspace catalog's versions. */
const EXAMPLE_DEPENDENCIES = [
  'ai',
  '@ai-sdk/openai',
  'openai',
  '@anthropic-ai/sdk',
  '@langchain/core',
  '@langchain/openai',
  '@modelcontextprotocol/sdk',
];

function catalogVersion(name: string): string {
  const workspace = readFileSync(join(REPO, 'pnpm-workspace.yaml'), 'utf8');
  const line = workspace.split('\n').find((l) => l.replace(/"/g, '').trim().startsWith(`${name}: `));
  if (!line) throw new Error(`no catalog version for ${name} in pnpm-workspace.yaml`);
  return line.split(': ')[1]?.trim() ?? '';
}

/**
 * Packs every published @headroom package (`pnpm pack` writes real versions in place of
 * `workspace:` and `catalog:`) and installs the tarballs together with npm into an empty
 * project, as a user without the registry's copies would: each tarball is both a dependency and
 * an override, so the packages find each other. Returns the project's directory.
 */
export function installPacked(dir: string): string {
  const tarballs = join(dir, 'tarballs');
  const project = join(dir, 'project');
  mkdirSync(project, { recursive: true });
  execFileSync(
    'pnpm',
    ['-s', '-r', '--filter', './packages/*', '--filter', './apps/cli', 'pack', '--pack-destination', tarballs],
    { cwd: REPO, stdio: 'pipe' },
  );
  const local: Record<string, string> = {};
  for (const file of readdirSync(tarballs)) {
    const name = `@headroom/${file.replace(/^headroom-/, '').replace(/-\d+\.\d+\.\d+.*$/, '')}`;
    local[name] = `file:${join(tarballs, file)}`;
  }
  const external = Object.fromEntries(EXAMPLE_DEPENDENCIES.map((name) => [name, catalogVersion(name)]));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'packed-check',
        private: true,
        type: 'module',
        dependencies: { ...local, ...external },
        overrides: local,
      },
      null,
      2,
    ),
  );
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    stdio: 'pipe',
    // A registry that cannot be reached fails the check in minutes, not hours of retries.
    timeout: 300_000,
    // As the README says for machines that cannot reach nuget.org: onnxruntime-node's CPU
    // binaries ship in the package; its install script only fetches the optional GPU ones.
    env: { ...userEnv(), ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  // The documented examples: one per package here, the adapters' from examples/.
  cpSync(join(REPO, 'e2e', 'packed'), project, { recursive: true });
  cpSync(join(REPO, 'examples', 'data'), join(project, 'data'), { recursive: true });
  for (const example of readdirSync(join(REPO, 'examples')).filter((f) => f.endsWith('.mjs')))
    cpSync(join(REPO, 'examples', example), join(project, example));
  return project;
}

/** This process's environment without the npm settings pnpm exports to the scripts it runs: npm as a user runs it. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_(config|package|lifecycle)_/i.test(k)),
  );
}
