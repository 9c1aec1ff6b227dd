import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { parseCommandArgs } from '../internal/args.js';
import { CliError, usageError } from '../internal/cli-error.js';
import { LEARN_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { type Finding, findMistakes } from '../learn/find-mistakes.js';
import { learnedBlock, NOTES_FILE, replaceBlock } from '../learn/learned-block.js';
import { type AskModel, phraseWithModel } from '../learn/phrase-with-model.js';
import { READERS } from '../learn/readers/index.js';
import type { AgentName, LearnSession } from '../learn/session.js';

/** The notes of one project for one file: the findings of the agents that read it. */
interface NotesPlan {
  readonly project: string;
  readonly file: string;
  readonly agents: AgentName[];
  readonly sessions: number;
  findings: Finding[];
}

/**
 * `headroom learn`: reads the sessions coding agents left on disk, finds the mistakes they made
 * again and again, and writes short corrections with their evidence into a marked block of the
 * project's notes for each agent (CLAUDE.local.md, AGENTS.md, GEMINI.md). Dry run by default.
 */
export async function runLearn(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('learn', args, {
    project: { type: 'string' },
    all: { type: 'boolean', default: false },
    agent: { type: 'string' },
    apply: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    model: { type: 'string' },
    'min-sessions': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, LEARN_HELP);
    return 0;
  }
  if (positionals.length)
    throw usageError(`learn takes no arguments (got '${positionals[0]}'). Run 'headroom learn --help'`);
  if (values.all && values.project) throw usageError('--all and --project do not go together');
  const known = Object.keys(NOTES_FILE);
  const agents = values.agent ? values.agent.split(',').map((a) => a.trim()) : known;
  const unknown = agents.find((a) => !known.includes(a));
  if (unknown) throw usageError(`--agent takes ${known.join(', ')} (got '${unknown}')`);
  const minText = values['min-sessions'];
  const minSessions = minText === undefined ? 2 : Number(minText);
  if (!Number.isInteger(minSessions) || minSessions < 1)
    throw usageError(`--min-sessions takes a whole number of sessions, like 2 (got '${minText}')`);
  const ask = values.model !== undefined ? await modelAsker(io, values.model) : undefined;

  const home = io.env.HOME ?? homedir();
  const { sessions, unreadable } = readSessions(home, io.env, agents);
  if (unreadable.length)
    await write(
      io.stderr,
      `headroom: ${unreadable.length} session file${unreadable.length === 1 ? '' : 's'} could not be read (${unreadable[0]})\n`,
    );
  const project = resolve(io.cwd, values.project ?? '.');
  const inProject = (s: LearnSession) => s.cwd !== undefined && (s.cwd === project || s.cwd.startsWith(project + sep));
  const chosen = values.all ? sessions.filter((s) => s.cwd && existsSync(s.cwd)) : sessions.filter(inProject);
  if (!chosen.length) {
    const where = values.all ? 'any project on this machine' : project;
    await write(
      io.stdout,
      `No sessions of ${agents.join(', ')} found for ${where} (${sessions.length} in other folders).\n`,
    );
    return 0;
  }

  const plans = planNotes(chosen, values.all ? undefined : project, minSessions);
  let phrasingNote: string | undefined;
  if (ask) {
    for (const plan of plans) {
      const phrased = await phraseWithModel(plan.findings, ask);
      plan.findings = phrased.findings;
      phrasingNote ??= phrased.note;
    }
  }
  if (phrasingNote) await write(io.stderr, `headroom: ${phrasingNote}; the rules' own wording is used\n`);

  if (values.json) {
    await write(
      io.stdout,
      `${JSON.stringify({ applied: values.apply, sessions: chosen.length, notes: plans.map(describePlan) })}\n`,
    );
    if (values.apply) for (const plan of plans) applyPlan(plan);
    return 0;
  }
  const out: string[] = [];
  for (const plan of plans) {
    const path = join(plan.project, plan.file);
    const summary = `${path}: ${plan.findings.length} correction${plan.findings.length === 1 ? '' : 's'} from ${plan.sessions} session${plan.sessions === 1 ? '' : 's'} of ${plan.agents.join(', ')}`;
    if (values.apply) {
      const changed = applyPlan(plan);
      out.push(`${changed ? 'wrote' : 'unchanged'} ${summary}`);
    } else {
      out.push(summary);
      if (plan.findings.length) {
        out.push(learnedBlock(plan.findings), '');
        out.push(
          ...plan.findings.map((f) => `  evidence for "${f.advice.slice(0, 60)}…": ${f.evidence.join('; ')}`),
          '',
        );
      }
    }
  }
  if (!values.apply) out.push('Dry run: nothing was written. Run with --apply to write these blocks.');
  await write(io.stdout, `${out.join('\n')}\n`);
  return 0;
}

/** Every session of the chosen agents on this machine; files that fail to read are named, not fatal. */
function readSessions(
  home: string,
  env: NodeJS.ProcessEnv,
  agents: readonly string[],
): { sessions: LearnSession[]; unreadable: string[] } {
  const sessions: LearnSession[] = [];
  const unreadable: string[] = [];
  for (const reader of READERS) {
    if (!agents.includes(reader.agent)) continue;
    for (const file of reader.locate({ home, env })) {
      try {
        sessions.push(...reader.read(file, reader.binary ? '' : readFileSync(file, 'utf8')));
      } catch (error) {
        unreadable.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  return { sessions, unreadable };
}

/** One plan per project and notes file: the findings of the agents that read that file. */
function planNotes(sessions: readonly LearnSession[], project: string | undefined, minSessions: number): NotesPlan[] {
  const groups = new Map<string, LearnSession[]>();
  for (const session of sessions) {
    const root = project ?? (session.cwd as string);
    const key = `${root}\u0000${NOTES_FILE[session.agent]}`;
    groups.set(key, [...(groups.get(key) ?? []), session]);
  }
  return [...groups].map(([key, group]) => {
    const [root, file] = key.split('\u0000') as [string, string];
    return {
      project: root,
      file,
      agents: [...new Set(group.map((s) => s.agent))].sort(),
      sessions: group.length,
      findings: findMistakes(group, { minSessions }),
    };
  });
}

/** Writes a plan's block into its file (removing a stale block when nothing is left); true when the file changed. */
function applyPlan(plan: NotesPlan): boolean {
  const path = join(plan.project, plan.file);
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const next = replaceBlock(existing, plan.findings.length ? learnedBlock(plan.findings) : '');
  if (next === existing) return false;
  writeFileSync(path, next);
  return true;
}

function describePlan(plan: NotesPlan) {
  return {
    file: join(plan.project, plan.file),
    agents: plan.agents,
    sessions: plan.sessions,
    findings: plan.findings.map(({ kind, advice, sessions, occurrences, evidence, agents }) => ({
      kind,
      advice,
      sessions,
      occurrences,
      agents,
      evidence,
    })),
  };
}

/** A model pass through the endpoint the online evals use, with `model` named. */
async function modelAsker(io: CliIo, model: string): Promise<AskModel> {
  let evals: typeof import('@headroom/evals');
  try {
    evals = await import('@headroom/evals');
  } catch (error) {
    throw new CliError(1, '--model needs @headroom/evals, which ships with the Headroom repository', { cause: error });
  }
  const endpoint = evals.endpointFromEnv(io.env);
  if (!endpoint)
    throw usageError(
      '--model needs an endpoint: set HEADROOM_EVAL_BASE_URL (any OpenAI-compatible server), OPENAI_API_KEY or ANTHROPIC_API_KEY',
    );
  return async (messages) => (await evals.complete({ ...endpoint, model }, { messages: [...messages] })).text;
}
