/**
 * Captures the session files the real agents leave on disk, for `headroom learn`'s tests: each
 * agent runs, non-interactively against the scripted model, two sessions that make the same
 * planted mistakes and two that make none, in a scratch home; its session directory is then
 * copied into `apps/cli/test/fixtures/sessions/<agent>/`, the scratch paths replaced by
 * `/home/dev`. Everything in them is the scripted model's and this script's own text.
 *
 *   pnpm --filter @headroom/e2e capture-sessions [agent…]     (on the workspace's Node 26, for node:sqlite)
 *
 * The planted mistakes (the answers `learn` must find):
 *   1. a command that failed and was corrected  (`node --verison` → `node --version`)
 *   2. a path guessed wrong, then found          (src/utils/helpers.ts → src/lib/helpers.ts)
 *   3. a large file read again and again        (data/big.log, three times)
 *   4. a search that found nothing, then widened (grep in src/lib → grep in the project)
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type AgentSpec, CLAUDE, CODEX, GEMINI, OPENCODE, PI } from '../src/agents.js';
import { baseEnv, removeScratchHomes, run, scratchHome } from '../src/processes.js';
import { PLAN_TAG, type PlanStep } from '../src/script.js';
import { startScriptedModel } from '../src/scripted-model.js';

const OUT = join(import.meta.dirname, '..', '..', 'apps', 'cli', 'test', 'fixtures', 'sessions');

/** How each agent names its shell and file-reading tools, and where it keeps its sessions. */
interface Tools {
  shell(command: string): { name: string; input: Record<string, unknown> | string };
  read(path: string): { name: string; input: Record<string, unknown> | string };
  /** The session directories under the scratch home. */
  readonly sessions: readonly string[];
}

const codexExec = (cmd: string) => ({
  name: 'exec',
  input: `const r = await tools.exec_command({cmd: ${JSON.stringify(cmd)}});\ntext(r);`,
});

const TOOLS: Record<string, Tools> = {
  claude: {
    shell: (command) => ({ name: 'Bash', input: { command, description: 'Run it' } }),
    read: (path) => ({ name: 'Read', input: { file_path: path } }),
    sessions: ['.claude/projects'],
  },
  codex: {
    shell: (command) => codexExec(command),
    read: (path) => codexExec(`cat ${path}`),
    sessions: ['.codex/sessions'],
  },
  opencode: {
    shell: (command) => ({ name: 'bash', input: { command, description: 'Run it' } }),
    read: (path) => ({ name: 'read', input: { filePath: path } }),
    sessions: ['.local/share/opencode/opencode.db'],
  },
  pi: {
    shell: (command) => ({ name: 'bash', input: { command } }),
    read: (path) => ({ name: 'read', input: { path } }),
    sessions: ['.pi/agent/sessions'],
  },
  gemini: {
    shell: (command) => ({ name: 'run_shell_command', input: { command } }),
    read: (path) => ({ name: 'read_file', input: { file_path: path } }),
    sessions: ['.gemini/tmp'],
  },
};

/** The project the sessions work in: a little source tree and a large log. */
function writeProject(work: string): void {
  mkdirSync(join(work, 'src', 'lib'), { recursive: true });
  mkdirSync(join(work, 'data'), { recursive: true });
  writeFileSync(join(work, 'README.md'), '# demo\n\nRun `node src/main.js`.\n');
  writeFileSync(join(work, 'src', 'main.js'), "import { parseConfig } from './lib/helpers.js';\nparseConfig('{}');\n");
  writeFileSync(
    join(work, 'src', 'lib', 'helpers.js'),
    'export function parseConfig(text) {\n  return JSON.parse(text);\n}\n',
  );
  writeFileSync(
    join(work, 'data', 'big.log'),
    Array.from(
      { length: 400 },
      (_, i) => `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO request ${i} served in ${i % 97} ms`,
    ).join('\n'),
  );
}

function mistakes(tools: Tools, work: string): PlanStep[] {
  return [
    () => tools.shell('node --verison'),
    () => tools.shell('node --version'),
    () => tools.read(join(work, 'src', 'utils', 'helpers.js')),
    () => tools.read(join(work, 'src', 'lib', 'helpers.js')),
    () => tools.read(join(work, 'data', 'big.log')),
    () => tools.shell(`grep -rn "parseConfig(" ${join(work, 'src', 'lib')} --include=*.ts`),
    () => tools.shell(`grep -rn "parseConfig(" ${work}`),
    () => tools.read(join(work, 'data', 'big.log')),
    () => tools.read(join(work, 'data', 'big.log')),
  ];
}

function clean(tools: Tools, work: string): PlanStep[] {
  return [
    () => tools.shell('node --version'),
    () => tools.read(join(work, 'src', 'lib', 'helpers.js')),
    () => tools.shell(`grep -rn "parseConfig(" ${work}`),
    () => tools.read(join(work, 'README.md')),
  ];
}

/** Copies every file under `from` (a directory or one database) into `to`, the scratch home's path replaced in names and contents. */
function copyScrubbed(from: string, to: string, home: string): number {
  // The home's path as written, as agents escape it for folder names, and without its leading slash.
  const forms: [string, string][] = [
    [home, '/home/dev'],
    [home.replaceAll('/', '-'), '-home-dev'],
    [home.slice(1), 'home/dev'],
  ];
  const scrub = (text: string) => forms.reduce((out, [from, to]) => out.split(from).join(to), text);
  if (from.endsWith('.db')) {
    // opencode keeps its sessions in SQLite: the copy gets the log folded in and its texts scrubbed.
    mkdirSync(join(to, '..'), { recursive: true });
    const source = new DatabaseSync(from);
    source.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    source.close();
    cpSync(from, to);
    const db = new DatabaseSync(to);
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[]) {
      const columns = db.prepare(`PRAGMA table_info(${JSON.stringify(name)})`).all() as {
        name: string;
        type: string;
      }[];
      for (const column of columns.filter((c) => /text/i.test(c.type)))
        for (const [form, to] of forms)
          db.prepare(
            `UPDATE ${JSON.stringify(name)} SET ${JSON.stringify(column.name)} = replace(${JSON.stringify(column.name)}, ?, ?)`,
          ).run(form, to);
    }
    db.exec('VACUUM');
    // Out of WAL mode, so a reader opening it read-only creates no files beside it.
    db.exec('PRAGMA journal_mode=DELETE');
    db.close();
    return 1;
  }
  let files = 0;
  for (const entry of readdirSync(from, { recursive: true }) as string[]) {
    const source = join(from, entry);
    if (!statSync(source).isFile()) continue;
    const target = join(to, scrub(relative(from, source)));
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, scrub(readFileSync(source, 'utf8')));
    files++;
  }
  return files;
}

const wanted = process.argv.slice(2);
const agents: AgentSpec[] = [CLAUDE, CODEX, OPENCODE, PI, GEMINI].filter(
  (a) => !wanted.length || wanted.includes(a.name),
);
const model = await startScriptedModel();
try {
  for (const agent of agents) {
    const tools = TOOLS[agent.name] as Tools;
    const home = scratchHome(`${agent.name}-sessions`);
    agent.prepareHome?.(home);
    const work = join(home, 'work');
    writeProject(work);
    const env = { ...baseEnv(home), ...agent.env, ...agent.routeEnv(model.url) };
    const plans = [mistakes(tools, work), clean(tools, work), mistakes(tools, work), clean(tools, work)];
    for (const [n, plan] of plans.entries()) {
      model.plan = plan;
      const done = await run(
        agent.command,
        [
          ...(agent.routeArgs?.(model.url) ?? []),
          ...agent.args(`${PLAN_TAG} Check the project and report (${n + 1}).`),
        ],
        { env, cwd: work, timeoutMs: 120_000 },
      );
      console.log(`${agent.name} session ${n + 1}: exit ${done.code}`);
      if (done.code !== 0) console.log(done.stderr.slice(-2000));
    }
    const target = join(OUT, agent.name);
    rmSync(target, { recursive: true, force: true });
    let files = 0;
    for (const dir of tools.sessions) {
      const from = join(home, dir);
      if (existsSync(from)) files += copyScrubbed(from, join(target, dir), home);
    }
    console.log(`${agent.name}: ${files} files into ${relative(process.cwd(), target)}`);
  }
} finally {
  await model.close();
  removeScratchHomes();
}
