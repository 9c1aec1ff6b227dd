import { join } from 'node:path';
import { exitCodeIn, isRecord, jsonLines, type LearnSession, type ToolCall, textOf, toolCall } from '../session.js';
import { filesUnder, type Reader } from './reader.js';

/**
 * Codex: one `rollout-….jsonl` per session under `~/.codex/sessions/YYYY/MM/DD/` (or
 * `$CODEX_HOME/sessions`). `session_meta` names it and its cwd; every command the model ran is an
 * `item_completed` event of type `CommandExecution` with its command, exit code and output. Older
 * rollouts without those events are read from their `function_call` / `custom_tool_call` items and
 * outputs (the exit code is in the output's JSON).
 */
export const codexReader: Reader = {
  agent: 'codex',
  locate: ({ home, env }) =>
    filesUnder(join(env.CODEX_HOME ?? join(home, '.codex'), 'sessions'), /^rollout-.*\.jsonl$/, 4),
  read(file, text) {
    const lines = jsonLines(text);
    if (!lines.length) return [];
    let id: string | undefined;
    let cwd: string | undefined;
    let startedAt: string | undefined;
    const executed: ToolCall[] = [];
    const called = new Map<string, { name: string; input: Record<string, unknown> | string }>();
    const fromItems: ToolCall[] = [];
    for (const line of lines) {
      const payload = isRecord(line.payload) ? line.payload : {};
      if (line.type === 'session_meta') {
        id ??= typeof payload.id === 'string' ? payload.id : undefined;
        cwd ??= typeof payload.cwd === 'string' ? payload.cwd : undefined;
        startedAt ??= typeof payload.timestamp === 'string' ? payload.timestamp : undefined;
      }
      const item = isRecord(payload.item) ? payload.item : undefined;
      if (payload.type === 'item_completed' && item?.type === 'CommandExecution') {
        const command = Array.isArray(item.command) ? String(item.command.at(-1) ?? '') : String(item.command ?? '');
        const exitCode = typeof item.exit_code === 'number' ? item.exit_code : undefined;
        executed.push(
          toolCall({
            tool: 'exec_command',
            args: { command },
            command,
            output: typeof item.aggregated_output === 'string' ? item.aggregated_output : '',
            failed: item.status === 'failed',
            exitCode,
          }),
        );
      }
      if (line.type !== 'response_item') continue;
      if (
        (payload.type === 'function_call' || payload.type === 'custom_tool_call') &&
        typeof payload.call_id === 'string'
      )
        called.set(payload.call_id, { name: String(payload.name ?? ''), input: argumentsOf(payload) });
      if (
        (payload.type === 'function_call_output' || payload.type === 'custom_tool_call_output') &&
        typeof payload.call_id === 'string'
      ) {
        const call = called.get(payload.call_id);
        if (!call) continue;
        const output = textOf(payload.output);
        const inner = innerOutput(output);
        const command = commandOf(call.input);
        fromItems.push(
          toolCall({
            tool: call.name,
            args: typeof call.input === 'string' ? {} : call.input,
            command,
            output: inner.output,
            failed: inner.exitCode !== undefined && inner.exitCode !== 0,
            exitCode: inner.exitCode,
          }),
        );
      }
    }
    const session: LearnSession = {
      agent: 'codex',
      id: id ?? file,
      file,
      calls: executed.length ? executed : fromItems,
      ...(cwd ? { cwd } : {}),
      ...(startedAt ? { startedAt } : {}),
    };
    return [session];
  },
};

function argumentsOf(payload: Record<string, unknown>): Record<string, unknown> | string {
  if (typeof payload.input === 'string') return payload.input;
  if (typeof payload.arguments === 'string') {
    try {
      const parsed = JSON.parse(payload.arguments) as unknown;
      return isRecord(parsed) ? parsed : payload.arguments;
    } catch {
      return payload.arguments;
    }
  }
  return {};
}

/** The command of a call: its `command`/`cmd` argument, or the `cmd:` a freeform script passes. */
function commandOf(input: Record<string, unknown> | string): string | undefined {
  if (typeof input !== 'string') {
    const value = input.command ?? input.cmd;
    return Array.isArray(value) ? String(value.at(-1) ?? '') : typeof value === 'string' ? value : undefined;
  }
  const match = /\bcmd:\s*("(?:[^"\\]|\\.)*")/.exec(input);
  if (!match?.[1]) return undefined;
  try {
    return JSON.parse(match[1]) as string;
  } catch {
    return undefined;
  }
}

/** The command's own output and exit code, from the JSON a tool wraps them in (when it does). */
function innerOutput(output: string): { output: string; exitCode?: number } {
  const json = /\{"[^\n]*"(?:exit_code|metadata)"[^\n]*\}/.exec(output)?.[0];
  if (json) {
    try {
      const parsed = JSON.parse(json) as Record<string, unknown>;
      const meta = isRecord(parsed.metadata) ? parsed.metadata : parsed;
      const exitCode = typeof meta.exit_code === 'number' ? meta.exit_code : undefined;
      return {
        output: typeof parsed.output === 'string' ? parsed.output : output,
        ...(exitCode !== undefined ? { exitCode } : {}),
      };
    } catch {
      // Not the JSON it looked like.
    }
  }
  const exitCode = exitCodeIn(output);
  return { output, ...(exitCode !== undefined ? { exitCode } : {}) };
}
