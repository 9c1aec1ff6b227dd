import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startScriptedModel } from '@headroom/proxy/testing';
import { describe, expect, it } from 'vitest';
import { emptyDir, REPO, runCli, runCliAsync } from './run-cli.js';

const require = createRequire(import.meta.url);
const FIXTURES = join(REPO, 'apps/cli/test/fixtures/sessions');
const AGENTS = ['claude', 'codex', 'gemini', 'opencode', 'pi'] as const;
type Agent = (typeof AGENTS)[number];

/**
 * The mistakes planted in the captured sessions (see e2e/scripts/capture-sessions.ts): two of each
 * agent's four sessions make all four, the other two none. What a finding must say for each.
 */
const PLANTED: Record<string, RegExp> = {
  'corrected-command': /`node --verison` fails .*run `node --version`/,
  'wrong-path': /`src\/utils\/helpers\.js` does not exist; the file is `src\/lib\/helpers\.js`/,
  reread: /`data\/big\.log` \(\d+ kB\) was read 3 times in one session/,
  'widened-search': /Searching for `parseConfig\(` in `src\/lib` .*finds nothing; it is in .*`src\/main\.js`/,
};

/**
 * A home holding one agent's captured sessions, their project at `<home>/work` (the captured files
 * name it `/home/dev/work`); `keep` picks the sessions kept, by the prompt that opened them.
 */
function homeWith(agent: Agent, keep: (opening: string) => boolean = () => true): { home: string; project: string } {
  const home = emptyDir();
  cpSync(join(FIXTURES, agent), home, { recursive: true });
  const files = (readdirSync(home, { recursive: true }) as string[]).map((entry) => join(home, entry));
  for (const path of files) {
    if (!statSync(path).isFile()) continue;
    if (path.endsWith('.db')) {
      const Database = require('better-sqlite3') as typeof import('better-sqlite3');
      const db = new Database(path);
      db.prepare("UPDATE session SET directory = replace(directory, '/home/dev', ?)").run(home);
      db.prepare("UPDATE part SET data = replace(data, '/home/dev', ?)").run(home);
      const openings = db.prepare("SELECT session_id, data FROM part WHERE data LIKE '%e2e-plan%'").all() as {
        session_id: string;
        data: string;
      }[];
      for (const { session_id, data } of openings)
        if (!keep(data)) {
          db.prepare('DELETE FROM part WHERE session_id = ?').run(session_id);
          db.prepare('DELETE FROM session WHERE id = ?').run(session_id);
        }
      db.close();
      continue;
    }
    const text = readFileSync(path, 'utf8');
    const opening = /\[e2e-plan\] Check the project and report \(\d\)/.exec(text)?.[0];
    writeFileSync(path, opening === undefined || keep(opening) ? text.split('/home/dev').join(home) : '');
  }
  mkdirSync(join(home, 'work'), { recursive: true });
  return { home, project: join(home, 'work') };
}

const env = (home: string) => ({ HOME: home, XDG_DATA_HOME: join(home, '.local/share') });
const mistakesOnly = (opening: string) => /\((1|3)\)/.test(opening);
const cleanOnly = (opening: string) => /\((2|4)\)/.test(opening);

interface LearnJson {
  sessions: number;
  notes: { file: string; agents: string[]; findings: { kind: string; advice: string; sessions: number }[] }[];
}

function learn(agent: Agent, home: string, project: string, args: string[] = []) {
  return runCli(['learn', '--agent', agent, ...args], { cwd: project, env: env(home) });
}

describe('headroom learn on sessions captured from the real agents', () => {
  const tally = { planted: 0, found: 0, falseFindings: 0, sessions: 0 };

  it.each(AGENTS)('%s: finds every planted mistake, and nothing else', (agent) => {
    const { home, project } = homeWith(agent);
    const run = learn(agent, home, project, ['--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.toString()) as LearnJson;
    expect(result.sessions).toBe(4);
    const findings = result.notes.flatMap((n) => n.findings);
    for (const [kind, says] of Object.entries(PLANTED)) {
      const finding = findings.find((f) => f.kind === kind);
      expect(finding?.advice, `${agent} ${kind}`).toMatch(says);
      expect(finding?.sessions).toBe(2);
    }
    const extra = findings.filter((f) => !(f.kind in PLANTED));
    tally.planted += 4;
    tally.found += Object.keys(PLANTED).filter((kind) => findings.some((f) => f.kind === kind)).length;
    tally.falseFindings += extra.length;
    tally.sessions += 4;
    expect(extra).toEqual([]);
  });

  it.each(AGENTS)('%s: finds nothing in sessions without mistakes, even from a single session', (agent) => {
    const { home, project } = homeWith(agent, cleanOnly);
    const run = learn(agent, home, project, ['--json', '--min-sessions', '1']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.toString()) as LearnJson;
    expect(result.sessions).toBe(2);
    const findings = result.notes.flatMap((n) => n.findings);
    tally.falseFindings += findings.length;
    tally.sessions += 2;
    expect(findings).toEqual([]);
  });

  it('meets its targets over all of them: at least 80% of planted mistakes, at most one false finding per ten sessions', () => {
    expect(tally.sessions).toBe(30);
    expect(tally.found / tally.planted).toBeGreaterThanOrEqual(0.8);
    expect(tally.falseFindings / tally.sessions).toBeLessThanOrEqual(0.1);
  });

  it('does not count a mistake made in one session only as a lesson', () => {
    const { home, project } = homeWith('claude', (opening) => /\((1|2)\)/.test(opening));
    const result = JSON.parse(learn('claude', home, project, ['--json']).stdout.toString()) as LearnJson;
    expect(result.notes.flatMap((n) => n.findings)).toEqual([]);
  });
});

describe('headroom learn --apply', () => {
  it('writes the block into the agent’s notes, keeps everything outside it, and replaces it on rerun', () => {
    const { home, project } = homeWith('claude');
    const notes = join(project, 'CLAUDE.local.md');
    writeFileSync(notes, '# My notes\n\nUse pnpm, never npm.\n');
    const dry = learn('claude', home, project);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout.toString()).toContain('Dry run: nothing was written.');
    expect(readFileSync(notes, 'utf8')).toBe('# My notes\n\nUse pnpm, never npm.\n');

    const applied = learn('claude', home, project, ['--apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.toString()).toMatch(/^wrote .*CLAUDE\.local\.md: 4 corrections from 4 sessions of claude\n$/);
    const written = readFileSync(notes, 'utf8');
    expect(written.startsWith('# My notes\n\nUse pnpm, never npm.\n\n<!-- headroom:learn:start -->\n')).toBe(true);
    expect(written.endsWith('<!-- headroom:learn:end -->\n')).toBe(true);
    expect(written).toContain(
      '- `node --verison` fails (node: bad option: --verison); run `node --version`. (seen in 2 sessions)',
    );

    // Edited by hand after the block: kept. A rerun that learns nothing new changes nothing.
    writeFileSync(notes, `${written}\nMore notes of mine.\n`);
    const again = learn('claude', home, project, ['--apply']);
    expect(again.stdout.toString()).toMatch(/^unchanged /);
    expect(readFileSync(notes, 'utf8')).toBe(`${written}\nMore notes of mine.\n`);

    // The mistakes stop: the block goes, the rest stays.
    const later = homeWith('claude', cleanOnly);
    cpSync(notes, join(later.project, 'CLAUDE.local.md'));
    learn('claude', later.home, later.project, ['--apply']);
    expect(readFileSync(join(later.project, 'CLAUDE.local.md'), 'utf8')).toBe(
      '# My notes\n\nUse pnpm, never npm.\n\nMore notes of mine.\n',
    );
  });

  it('writes AGENTS.md for Codex, opencode and pi, and GEMINI.md for Gemini CLI', () => {
    for (const [agent, file] of [
      ['codex', 'AGENTS.md'],
      ['gemini', 'GEMINI.md'],
    ] as const) {
      const { home, project } = homeWith(agent, mistakesOnly);
      expect(learn(agent, home, project, ['--apply']).code).toBe(0);
      expect(readFileSync(join(project, file), 'utf8')).toContain('`src/utils/helpers.js` does not exist');
    }
  });
});

describe('headroom learn --model', () => {
  it('takes the model’s phrasing and order, but not a phrasing that alters a path or command', async () => {
    const model = await startScriptedModel((request) => {
      const listed = JSON.parse(
        (JSON.parse(request.body) as { messages: { content: string }[] }).messages[1]?.content ?? '[]',
      ) as { id: number; finding: string }[];
      const byKind = (text: string) => listed.find((f) => f.finding.includes(text))?.id;
      return {
        text: JSON.stringify([
          { id: byKind('src/utils'), text: 'Helpers live in `src/lib/helpers.js`, not `src/utils/helpers.js`.' },
          // Loses the exact command: not used.
          { id: byKind('verison'), text: 'Spell the version flag right.' },
        ]),
      };
    });
    try {
      const { home, project } = homeWith('claude');
      // Run without blocking this process, which serves the model.
      const run = await runCliAsync(['learn', '--agent', 'claude', '--json', '--model', 'my-model'], {
        cwd: project,
        env: { ...env(home), HEADROOM_EVAL_BASE_URL: `${model.url}/v1` },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toBe('');
      const advice = (JSON.parse(run.stdout.toString()) as LearnJson).notes[0]?.findings.map((f) => f.advice) ?? [];
      expect(advice[0]).toBe('Helpers live in `src/lib/helpers.js`, not `src/utils/helpers.js`.');
      expect(advice[1]).toMatch(/^`node --verison` fails/);
      expect(advice).toHaveLength(4);
      expect(JSON.parse(model.received[0]?.body ?? '{}').model).toBe('my-model');
    } finally {
      await model.close();
    }
  });

  it('says in one line what it needs when no endpoint is configured', () => {
    const { home, project } = homeWith('claude');
    const run = learn('claude', home, project, ['--model', 'x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^headroom: --model needs an endpoint: set HEADROOM_EVAL_BASE_URL/);
  });
});

describe('headroom learn, bad input', () => {
  it('refuses unknown agents and says when there are no sessions', () => {
    const home = emptyDir();
    expect(runCli(['learn', '--agent', 'vim'], { env: env(home) }).stderr).toBe(
      "headroom: --agent takes claude, codex, opencode, pi, gemini (got 'vim')\n",
    );
    const none = runCli(['learn'], { env: env(home), cwd: home });
    expect(none.code).toBe(0);
    expect(none.stdout.toString()).toMatch(/^No sessions of claude, codex, opencode, pi, gemini found for /);
  });

  it('reads a session file cut off mid-write, and names one it cannot read without failing', () => {
    const { home, project } = homeWith('claude', mistakesOnly);
    const dir = join(home, '.claude', 'projects');
    const [folder] = readdirSync(dir);
    const file = readdirSync(join(dir, folder as string)).find(
      (f) => statSync(join(dir, folder as string, f)).size > 0,
    );
    const path = join(dir, folder as string, file as string);
    writeFileSync(path, `${readFileSync(path, 'utf8')}{"type":"user","message":{"role":"us`);
    const run = learn('claude', home, project, ['--json', '--min-sessions', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout.toString()) as LearnJson).notes[0]?.findings.length).toBeGreaterThan(0);
  });
});
