import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli } from './run-cli.js';

/**
 * A stand-in for a coding agent: records its arguments, the base-URL variables it was given and
 * whether the proxy behind them answered, then exits with the code it is told to.
 */
function fakeAgent(name: string): { dir: string; out: string } {
  const dir = emptyDir();
  const out = join(dir, 'record.json');
  const script = `#!/usr/bin/env node
const url = (process.env.ANTHROPIC_BASE_URL ?? process.env.OPENAI_BASE_URL ?? process.env.GOOGLE_GEMINI_BASE_URL ?? process.argv.slice(2).join(' ').match(/openai_base_url="([^"]+)"/)[1]).replace(/\\/v1$/, '');
fetch(url + '/health').then((r) => r.json()).then((health) => {
  require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({
    argv: process.argv.slice(2),
    env: { ANTHROPIC_BASE_URL: process.env.ANTHROPIC_BASE_URL, OPENAI_BASE_URL: process.env.OPENAI_BASE_URL, OPENAI_API_BASE: process.env.OPENAI_API_BASE, GOOGLE_GEMINI_BASE_URL: process.env.GOOGLE_GEMINI_BASE_URL },
    health,
  }));
  process.exit(Number(process.env.WRAP_EXIT ?? 0));
});
`;
  writeFileSync(join(dir, name), script);
  chmodSync(join(dir, name), 0o755);
  return { dir, out };
}

const pathWith = (dir: string) => `${dir}:${dirname(process.execPath)}:/usr/bin:/bin`;

describe('headroom wrap', () => {
  it.each([
    ['claude', { ANTHROPIC_BASE_URL: 'url' }],
    ['codex', {}, ['-c', 'openai_base_url="url/v1"']],
    ['aider', { ANTHROPIC_BASE_URL: 'url', OPENAI_BASE_URL: 'url/v1', OPENAI_API_BASE: 'url/v1' }],
    ['gemini', { GOOGLE_GEMINI_BASE_URL: 'url' }],
  ] as [string, Record<string, string>, string[]?][])(
    '%s: launched with its route on a live proxy, arguments passed, exit code kept',
    (agent, expected, routeArgs = []) => {
      const { dir, out } = fakeAgent(agent);
      const run = runCli(['wrap', agent, '--port', '0', '--', '--model', 'x', 'fix it'], {
        env: { PATH: pathWith(dir), WRAP_EXIT: '7' },
      });
      expect(run.code).toBe(7);
      const record = JSON.parse(readFileSync(out, 'utf8')) as {
        argv: string[];
        env: Record<string, string | undefined>;
        health: unknown;
      };
      const url = /^headroom: \w+ → (http:\/\/127\.0\.0\.1:\d+) · stats: /.exec(run.stderr)?.[1] as string;
      expect(record.argv).toEqual([...routeArgs.map((a) => a.replace('"url', `"${url}`)), '--model', 'x', 'fix it']);
      expect(record.health).toMatchObject({ status: 'ok', components: { prose: { engine: 'prose-crusher' } } });
      const withUrl = Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v.replace('url', url)]));
      expect(Object.fromEntries(Object.entries(record.env).filter(([, v]) => v !== undefined))).toEqual(withUrl);
    },
  );

  it('says so when the agent is not installed', () => {
    const run = runCli(['wrap', 'claude', '--port', '0'], { env: { PATH: emptyDir() } });
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr:
        "headroom: claude was not found on PATH; install claude first, or run 'headroom proxy' and point it there yourself\n",
    });
  });

  it('rejects an unknown agent with exit 2', () => {
    expect(runCli(['wrap', 'vim']).stderr).toBe(
      "headroom: wrap takes one agent: claude, codex, opencode, pi, gemini, qwen, copilot, aider, cursor (agent arguments go after --). Run 'headroom wrap --help'\n",
    );
  });

  it('refuses, in one line, an agent it cannot route as the user has it set up rather than let it bypass Headroom', () => {
    const { dir: geminiDir } = fakeAgent('gemini');
    const home = emptyDir();
    mkdirSync(join(home, '.gemini'));
    writeFileSync(
      join(home, '.gemini', 'settings.json'),
      '// theirs\n{"security":{"auth":{"selectedType":"oauth-personal"}}}',
    );
    const gemini = runCli(['wrap', 'gemini', '--port', '0'], { env: { PATH: pathWith(geminiDir), HOME: home } });
    expect(gemini.code).toBe(1);
    expect(gemini.stderr).toMatch(/^headroom: Gemini CLI is set to log in with 'oauth-personal'.*\/auth.*\n$/);
    const { dir: copilotDir } = fakeAgent('copilot');
    const copilot = runCli(['wrap', 'copilot', '--port', '0'], { env: { PATH: pathWith(copilotDir) } });
    expect(copilot.code).toBe(1);
    expect(copilot.stderr).toMatch(/^headroom: GitHub Copilot CLI talks to GitHub's own service unless .*\n$/);
  });
});
