import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tinyEmbeddingModel } from '@headroom/kompress/testing';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli } from './run-cli.js';

describe('headroom memory', () => {
  it('adds, finds, lists, forgets, exports and imports', () => {
    const home = emptyDir();
    const project = emptyDir();
    const run = (args: string[], input?: string) =>
      runCli(['memory', ...args], { env: { HEADROOM_HOME: home }, cwd: project, ...(input ? { input } : {}) });

    expect(run(['add', 'Migrations', 'run', 'with', 'pnpm', 'db:migrate', '--tag', 'db']).stdout.toString()).toBe(
      'saved #1\n',
    );
    expect(run(['add', 'Migrations run with pnpm db:migrate', '--agent', 'codex']).stdout.toString()).toBe(
      'already known as #1\n',
    );
    expect(run(['add', 'Style: no default exports.', '--scope', 'global']).stdout.toString()).toBe('saved #2\n');
    expect(run(['search', 'how do I run migrations']).stdout.toString()).toBe(
      '#1 Migrations run with pnpm db:migrate [db] (project; from cli, codex)\n',
    );
    // A subdirectory of the project sees its memories; another project sees the global memory only.
    const sub = join(project, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    expect(
      runCli(['memory', 'search', 'migrations'], { env: { HEADROOM_HOME: home }, cwd: sub }).stdout.toString(),
    ).toContain('#1 Migrations run with pnpm db:migrate');
    const elsewhere = runCli(['memory', 'list'], { env: { HEADROOM_HOME: home }, cwd: emptyDir() });
    expect(elsewhere.stdout.toString()).toBe('#2 Style: no default exports. (global; from cli)\n');

    const exported = run(['export']);
    expect(JSON.parse(exported.stdout.toString()).memories).toHaveLength(2);
    const file = join(emptyDir(), 'memories.json');
    expect(run(['export', file]).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('headroom-memory');

    expect(run(['forget', '1']).stdout.toString()).toBe('forgot #1\n');
    const missing = run(['forget', '1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('headroom: no memory #1; nothing was forgotten\n');

    const other = emptyDir();
    const imported = runCli(['memory', 'import', file, '--json'], { env: { HEADROOM_HOME: other } });
    expect(JSON.parse(imported.stdout.toString())).toEqual({ created: 2, duplicate: 0, merged: 0 });
  });

  it('answers bad input with one line and changes nothing', () => {
    const home = emptyDir();
    const run = (args: string[], input?: string) =>
      runCli(['memory', ...args], { env: { HEADROOM_HOME: home }, ...(input ? { input } : {}) });
    expect(run(['add']).code).toBe(2);
    expect(run(['add', 'x', '--scope', 'team']).stderr).toBe(
      "headroom: --scope is one of global, project, session (got 'team')\n",
    );
    const notJson = run(['import', '-'], 'not json');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/^headroom: - is not JSON .*nothing was imported\n$/);
    const wrongShape = run(['import', '-'], '{"memories": []}');
    expect(wrongShape.stderr).toMatch(/not a Headroom memory export.*nothing was imported/);
    expect(run(['list', '--all', '--json']).stdout.toString()).toBe('[]\n');
    expect(run(['teach']).code).toBe(2);
    const session = run(['add', 'x', '--scope', 'session']);
    expect(session.code).toBe(2);
    expect(session.stderr).toBe('headroom: --scope session needs the session: --session ID\n');
    const future = run(['import', '-'], '{"format": "headroom-memory", "version": 99, "memories": []}');
    expect(future.stderr).toMatch(/version 99, which this Headroom cannot read.*nothing was imported/);
    expect(run(['export', '/nonexistent/dir/x.json']).stderr).toBe(
      'headroom: cannot write /nonexistent/dir/x.json: ENOENT\n',
    );
  });
});

describe('headroom memory with an embedding model', () => {
  it('finds a memory by meaning when HEADROOM_EMBEDDING_MODEL names a model', () => {
    const model = tinyEmbeddingModel({ tests: 0, specs: 0, vitest: 0, run: 1, execute: 1, ship: 2, release: 2 });
    const env = { HEADROOM_HOME: emptyDir(), HEADROOM_EMBEDDING_MODEL: model.dir };
    runCli(['memory', 'add', 'Tests run with vitest.', '--scope', 'global'], { env });
    runCli(['memory', 'add', 'Releases ship on Fridays.', '--scope', 'global'], { env });
    const found = runCli(['memory', 'search', 'execute the specs', '--json'], { env });
    expect(found.stderr).toBe('');
    const [first] = JSON.parse(found.stdout.toString()) as { text: string; matchedBy: string[] }[];
    expect(first).toMatchObject({ text: 'Tests run with vitest.', matchedBy: ['vector'] });
  });

  it('says in one line that search is full-text only when the model cannot load', () => {
    const run = runCli(['memory', 'search', 'anything'], {
      env: { HEADROOM_HOME: emptyDir(), HEADROOM_EMBEDDING_MODEL: '/no/such/model' },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^headroom: semantic memory search is off: the embedding model directory \/no\/such\/model does not exist: set HEADROOM_EMBEDDING_MODEL .*memory search is full-text only meanwhile\n$/,
    );
  });
});
