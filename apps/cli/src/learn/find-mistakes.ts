import { basename, isAbsolute, relative } from 'node:path';
import type { AgentName, LearnSession, ToolCall } from './session.js';

/**
 * What went wrong in an agent's sessions, found by rules over their tool calls — each a pattern
 * whose evidence is in the calls themselves, never a guess:
 * - `corrected-command`: a command failed and a close variant of it, run right after, worked;
 * - `wrong-path`: a file was not found, and a file of the same name elsewhere was read next;
 * - `reread`: a large file was read three or more times in one session;
 * - `widened-search`: a search found nothing, and the same pattern searched more widely did;
 * - `loop`: the same call, with the same result, three or more times in a row.
 * A finding is kept when it recurs: in two or more sessions, or three or more times in one.
 */
export type FindingKind = 'corrected-command' | 'wrong-path' | 'reread' | 'widened-search' | 'loop';

export interface Finding {
  readonly kind: FindingKind;
  /** What makes two occurrences the same mistake. */
  readonly key: string;
  /** The correction, one line, with paths and commands in backticks, verbatim. */
  readonly advice: string;
  readonly agents: readonly AgentName[];
  readonly sessions: number;
  readonly occurrences: number;
  /** Where it was seen: `agent session-id (date): detail`, a few. */
  readonly evidence: readonly string[];
}

/** Calls looked at after a failure for its correction. */
const WINDOW = 4;
/** A read this large (characters) is worth reading once. */
const LARGE_READ = 4000;

interface Occurrence {
  readonly kind: FindingKind;
  readonly key: string;
  readonly advice: string;
  readonly detail: string;
  /** Counts as this many occurrences (a file read four times in one session is three re-reads). */
  readonly weight?: number;
}

/** Every recurring mistake in `sessions`, most frequent first. */
export function findMistakes(sessions: readonly LearnSession[], options: { minSessions?: number } = {}): Finding[] {
  const minSessions = options.minSessions ?? 2;
  const groups = new Map<
    string,
    { first: Occurrence; sessions: Set<string>; agents: Set<AgentName>; count: number; evidence: string[] }
  >();
  for (const session of sessions) {
    for (const occurrence of occurrencesIn(session)) {
      const group = groups.get(occurrence.key) ?? {
        first: occurrence,
        sessions: new Set<string>(),
        agents: new Set<AgentName>(),
        count: 0,
        evidence: [],
      };
      group.sessions.add(`${session.agent}:${session.id}`);
      group.agents.add(session.agent);
      group.count += occurrence.weight ?? 1;
      if (group.evidence.length < 3)
        group.evidence.push(
          `${session.agent} ${session.id.slice(-8)}${session.startedAt ? ` (${session.startedAt.slice(0, 10)})` : ''}: ${occurrence.detail}`,
        );
      groups.set(occurrence.key, group);
    }
  }
  return [...groups.values()]
    .filter((g) => g.sessions.size >= minSessions || g.count >= 3)
    .map((g) => ({
      kind: g.first.kind,
      key: g.first.key,
      advice: g.first.advice,
      agents: [...g.agents].sort(),
      sessions: g.sessions.size,
      occurrences: g.count,
      evidence: g.evidence,
    }))
    .sort((a, b) => b.sessions - a.sessions || b.occurrences - a.occurrences || (a.key < b.key ? -1 : 1));
}

function occurrencesIn(session: LearnSession): Occurrence[] {
  const calls = session.calls;
  const where = (path: string) => shortPath(path, session.cwd);
  const found: Occurrence[] = [];
  calls.forEach((call, i) => {
    const next = calls.slice(i + 1, i + 1 + WINDOW);
    // A search that found nothing, widened until it did.
    const search = call.kind === 'shell' && call.command ? searchOf(call.command) : undefined;
    if (search && foundNothing(call)) {
      const wider = next.find((n) => {
        const s = n.kind === 'shell' && n.command ? searchOf(n.command) : undefined;
        return s && s.pattern === search.pattern && !foundNothing(n) && !n.failed;
      });
      if (wider?.command) {
        const files = matchedFiles(wider.output).map(where).slice(0, 3);
        const scope = search.scope.map(where).join(' ') || 'the current folder';
        found.push({
          kind: 'widened-search',
          key: `search\u0000${search.pattern}\u0000${search.scope.map(where).join(' ')}`,
          advice: `Searching for \`${search.pattern}\` in \`${scope}\`${search.filters.length ? ` (${search.filters.join(' ')})` : ''} finds nothing${files.length ? `; it is in ${files.map((f) => `\`${f}\``).join(', ')}` : ''}: search the whole project (\`${relativeCommand(wider.command, session.cwd)}\`).`,
          detail: `\`${relativeCommand(call.command ?? '', session.cwd)}\` found nothing, then \`${relativeCommand(wider.command, session.cwd)}\` did`,
        });
      }
      return;
    }
    // A command that failed, then a close variant that worked.
    if (call.kind === 'shell' && call.command && call.failed) {
      const fix = next.find(
        (n) =>
          n.kind === 'shell' &&
          n.command &&
          !n.failed &&
          n.command !== call.command &&
          program(n.command) === program(call.command ?? '') &&
          similarity(n.command, call.command ?? '') >= 0.6,
      );
      if (fix?.command) {
        const failed = relativeCommand(call.command, session.cwd);
        const fixed = relativeCommand(fix.command, session.cwd);
        const why = errorLine(call.output);
        found.push({
          kind: 'corrected-command',
          key: `command\u0000${failed}\u0000${fixed}`,
          advice: `\`${failed}\` fails${why ? ` (${why})` : call.exitCode !== undefined ? ` (exit ${call.exitCode})` : ''}; run \`${fixed}\`.`,
          detail: `\`${failed}\` exited ${call.exitCode ?? 'with an error'}, then \`${fixed}\` worked`,
        });
      }
      return;
    }
    // A file guessed at the wrong place, then found under the same name elsewhere.
    if (call.kind === 'read' && call.path && (call.failed || NOT_FOUND.test(call.output.slice(0, 300)))) {
      const path = call.path;
      const right = next.find(
        (n) => n.kind === 'read' && n.path && !n.failed && n.path !== path && basename(n.path) === basename(path),
      );
      if (right?.path)
        found.push({
          kind: 'wrong-path',
          key: `path\u0000${where(path)}\u0000${where(right.path)}`,
          advice: `\`${where(path)}\` does not exist; the file is \`${where(right.path)}\`.`,
          detail: `read \`${where(path)}\` (not found), then \`${where(right.path)}\``,
        });
    }
  });

  // Large files read again and again.
  const reads = new Map<string, ToolCall[]>();
  for (const call of calls)
    if (call.kind === 'read' && call.path && !call.failed && call.outputChars >= LARGE_READ)
      reads.set(call.path, [...(reads.get(call.path) ?? []), call]);
  for (const [path, list] of reads) {
    if (list.length < 3) continue;
    const size = Math.max(...list.map((c) => c.outputChars));
    found.push({
      kind: 'reread',
      key: `reread\u0000${where(path)}`,
      advice: `\`${where(path)}\` (${Math.round(size / 1000)} kB) was read ${list.length} times in one session: read it once and keep what matters, or search it (\`grep -n PATTERN ${where(path)}\`).`,
      detail: `read \`${where(path)}\` ${list.length} times`,
      weight: list.length - 1,
    });
  }

  // The same call, with the same result, three or more times in a row.
  for (let i = 0; i < calls.length; ) {
    let j = i + 1;
    const same = (a: ToolCall, b: ToolCall) =>
      a.tool === b.tool && a.command === b.command && a.path === b.path && a.output === b.output;
    while (j < calls.length && same(calls[i] as ToolCall, calls[j] as ToolCall)) j++;
    const call = calls[i] as ToolCall;
    if (j - i >= 3 && (call.command || call.path)) {
      const what = call.command
        ? `\`${relativeCommand(call.command, session.cwd)}\``
        : `a read of \`${where(call.path ?? '')}\``;
      found.push({
        kind: 'loop',
        key: `loop\u0000${call.tool}\u0000${call.command ?? ''}\u0000${call.path ?? ''}`,
        advice: `${what} was repeated ${j - i} times in a row with the same result: when a call gives the same answer twice, change the approach.`,
        detail: `${what} ${j - i} times in a row`,
        weight: j - i - 1,
      });
    }
    i = j;
  }
  return found;
}

const NOT_FOUND = /no such file|does not exist|not found|ENOENT|cannot find the file/i;
const SEARCH_PROGRAMS = new Set(['grep', 'egrep', 'rg', 'ag', 'ack', 'git-grep']);

/** A search command's pattern, where it looks, and its filters (`--include=*.ts`). */
function searchOf(command: string): { pattern: string; scope: string[]; filters: string[] } | undefined {
  if (/[|;&]/.test(command.replace(/"[^"]*"|'[^']*'/g, ''))) return undefined; // pipelines are not plain searches
  const words = shellWords(command);
  const name = words[0] === 'git' && words[1] === 'grep' ? 'git-grep' : basename(words[0] ?? '');
  if (!SEARCH_PROGRAMS.has(name)) return undefined;
  const rest = words.slice(name === 'git-grep' ? 2 : 1);
  const operands: string[] = [];
  const filters: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const word = rest[k] as string;
    if (word.startsWith('-')) {
      if (/^--(include|exclude|glob|type)=/.test(word)) filters.push(word);
      else if (/^(-e|--regexp|-g|--glob|-t|--type|--include|--exclude)$/.test(word)) {
        const value = rest[++k];
        if (word === '-e' || word === '--regexp') operands.unshift(value ?? '');
        else filters.push(`${word} ${value ?? ''}`);
      }
      continue;
    }
    operands.push(word);
  }
  const [pattern, ...scope] = operands;
  return pattern ? { pattern, scope, filters } : undefined;
}

/** A search that matched nothing: exit 1 with no output, or an output that says so. */
function foundNothing(call: ToolCall): boolean {
  const text = call.output.trim();
  const empty =
    !text || /^\(?(no output|bash completed with no output|no matches found|no files found)\)?\.?$/i.test(text);
  return (call.exitCode === 1 && (empty || text.length < 120)) || (empty && call.exitCode !== 2);
}

/** The files a grep-style output names (`path:line:text`). */
function matchedFiles(output: string): string[] {
  const files: string[] = [];
  for (const line of output.split('\n')) {
    const match = /^([^\s:][^:]*):\d+:/.exec(line);
    if (match?.[1] && !files.includes(match[1])) files.push(match[1]);
  }
  return files;
}

/** Words of a command line, quotes removed (enough to read a search; not a full shell). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g))
    words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? match[3] ?? ''));
  return words;
}

const program = (command: string) => basename(shellWords(command)[0] ?? '');

/** The first line of an error worth quoting, at most 100 characters. */
function errorLine(output: string): string | undefined {
  const line = output
    .split('\n')
    .map((l) => l.trim().replace(/^(output|error|stderr):\s*/i, ''))
    .find((l) => l && !/^<\/?[\w-]+>$/.test(l) && !/^(exit code|command exited|script completed|wall time)/i.test(l));
  return line ? line.replace(/`/g, "'").slice(0, 100) : undefined;
}

/** 1 − edit distance / longer length. */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  if (!longer) return 1;
  let previous = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let k = 1; k <= b.length; k++)
      row[k] = Math.min(
        (previous[k] as number) + 1,
        (row[k - 1] as number) + 1,
        (previous[k - 1] as number) + (a[i - 1] === b[k - 1] ? 0 : 1),
      );
    previous = row;
  }
  return 1 - (previous[b.length] as number) / longer;
}

/** A path as the project knows it: relative to the session's folder when inside it. */
function shortPath(path: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** A command with the session's folder written as `.`, so it reads the same in every checkout. */
function relativeCommand(command: string, cwd: string | undefined): string {
  if (!cwd) return command;
  return command.split(`${cwd}/`).join('').split(cwd).join('.');
}
