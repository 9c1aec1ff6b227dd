/**
 * What `headroom learn` reads from any agent's session files: the tool calls of one session, in
 * order, in one shape whatever the agent (Claude Code, Codex, Gemini CLI, opencode, pi).
 */

export type AgentName = 'claude' | 'codex' | 'gemini' | 'opencode' | 'pi';

/** One tool call and its result. */
export interface ToolCall {
  /** The agent's own name for the tool (`Bash`, `read_file`, `exec`, …). */
  readonly tool: string;
  /** `shell`: a command line; `read`: a file read; `other`: anything else. */
  readonly kind: 'shell' | 'read' | 'other';
  /** The command line, for a shell call (a `cat FILE` is a read of FILE too). */
  readonly command?: string;
  /** The file, for a read. */
  readonly path?: string;
  /** The result as the model saw it (at most 4,000 characters kept). */
  readonly output: string;
  /** The result's full size in characters, when it was cut. */
  readonly outputChars: number;
  /** The call failed: an error flag, or a non-zero exit code. */
  readonly failed: boolean;
  readonly exitCode?: number;
}

export interface LearnSession {
  readonly agent: AgentName;
  readonly id: string;
  readonly file: string;
  /** The directory the session worked in, when the file says. */
  readonly cwd?: string;
  /** ISO time of its start, when the file says. */
  readonly startedAt?: string;
  readonly calls: readonly ToolCall[];
}

const KEEP_OUTPUT = 4000;

/** A tool call in the common shape, its kind told from its tool's name and arguments. */
export function toolCall(fields: {
  tool: string;
  args: Record<string, unknown> | string;
  output: string;
  failed: boolean;
  exitCode?: number | undefined;
  command?: string | undefined;
}): ToolCall {
  const { tool, args, output } = fields;
  const input = typeof args === 'string' ? {} : args;
  const command = fields.command ?? stringOf(input.command ?? input.cmd ?? input.script);
  const path = stringOf(input.file_path ?? input.filePath ?? input.path ?? input.absolute_path);
  const exit = fields.exitCode ?? exitCodeIn(output);
  const base = {
    tool,
    output: output.length > KEEP_OUTPUT ? output.slice(0, KEEP_OUTPUT) : output,
    outputChars: output.length,
    failed: fields.failed || (exit !== undefined && exit !== 0),
    ...(exit !== undefined ? { exitCode: exit } : {}),
  };
  if (command !== undefined && (SHELL_TOOL.test(tool) || fields.command !== undefined)) {
    // `cat FILE` reads a file as surely as the read tool does.
    const cat = /^\s*cat\s+(['"]?)([^\s'"|;&<>]+)\1\s*$/.exec(command);
    return { ...base, kind: cat ? 'read' : 'shell', command, ...(cat?.[2] ? { path: cat[2] } : {}) };
  }
  if (path !== undefined && READ_TOOL.test(tool)) return { ...base, kind: 'read', path };
  return { ...base, kind: 'other' };
}

const SHELL_TOOL = /^(bash|shell|run_shell_command|exec|exec_command|local_shell|terminal|run_terminal_cmd|execute)$/i;
const READ_TOOL = /^(read|read_file|view|open_file|cat)$/i;

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return undefined;
}

/** An exit code a tool wrote into its output (`Exit code 9`, `Exit Code: 1`, `exited with code 2`). */
export function exitCodeIn(output: string): number | undefined {
  const match =
    /\b(?:exit(?:ed with)? code|exit status)[:\s]+(-?\d+)\b/i.exec(output.slice(0, 2000)) ??
    /\bExit Code: (-?\d+)/.exec(output);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Text of a tool result given as a string, or as text blocks or parts. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return value
      .map((part) =>
        typeof part === 'string'
          ? part
          : typeof part?.text === 'string'
            ? part.text
            : typeof part?.content === 'string'
              ? part.content
              : '',
      )
      .join('\n');
  if (value && typeof value === 'object') return JSON.stringify(value);
  return '';
}

/** Each line of a JSONL file parsed; a line that is not JSON is skipped (a file cut off mid-write). */
export function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) out.push(value as Record<string, unknown>);
    } catch {
      // A partial last line of a live session: the rest is read.
    }
  }
  return out;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
