import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isRecord, jsonLines, type LearnSession, type ToolCall, toolCall } from '../session.js';
import { filesUnder, type Reader } from './reader.js';

/**
 * Gemini CLI: `~/.gemini/tmp/<project>/chats/session-….jsonl`, a log of message records (a record
 * is written again as it grows: the last one with an id wins) and `$set` updates; older versions
 * keep one JSON object with a `messages` list. The model's records carry `toolCalls`, each with its
 * `args`, its `result` (function responses: `output`, or `error`) and a `status`. The project's
 * folder is in `.project_root` beside `chats/`.
 */
export const geminiReader: Reader = {
  agent: 'gemini',
  locate: ({ home, env }) => filesUnder(join(env.GEMINI_CLI_HOME ?? home, '.gemini', 'tmp'), /^session-.*\.jsonl?$/, 2),
  read(file, text) {
    const records = recordsOf(text);
    if (!records.length) return [];
    const latest = new Map<string, Record<string, unknown>>();
    for (const record of records) if (typeof record.id === 'string') latest.set(record.id, record);
    const calls: ToolCall[] = [];
    for (const record of latest.values()) {
      if (record.type !== 'gemini' || !Array.isArray(record.toolCalls)) continue;
      for (const call of record.toolCalls) {
        if (!isRecord(call) || typeof call.name !== 'string') continue;
        const response = responseOf(call.result);
        const output =
          typeof response.output === 'string'
            ? response.output
            : typeof response.error === 'string'
              ? response.error
              : JSON.stringify(response);
        calls.push(
          toolCall({
            tool: call.name,
            args: isRecord(call.args) ? call.args : {},
            output,
            failed: call.status === 'error' || 'error' in response,
          }),
        );
      }
    }
    const head = records.find((r) => typeof r.sessionId === 'string');
    const root = join(dirname(dirname(file)), '.project_root');
    const cwd = existsSync(root) ? readFileSync(root, 'utf8').trim() : undefined;
    const session: LearnSession = {
      agent: 'gemini',
      id: typeof head?.sessionId === 'string' ? head.sessionId : file,
      file,
      calls,
      ...(cwd ? { cwd } : {}),
      ...(typeof head?.startTime === 'string' ? { startedAt: head.startTime } : {}),
    };
    return [session];
  },
};

/** The records of a session file: JSONL lines (with `$set` updates left out), or an older file's `messages`. */
function recordsOf(text: string): Record<string, unknown>[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    try {
      const whole = JSON.parse(text) as Record<string, unknown>;
      if (Array.isArray(whole.messages)) return [whole, ...whole.messages.filter(isRecord)];
    } catch {
      // Not one JSON object: read as lines.
    }
  }
  return jsonLines(text).filter((line) => !('$set' in line));
}

function responseOf(result: unknown): Record<string, unknown> {
  const first = Array.isArray(result) ? result.find(isRecord) : undefined;
  const fn = first && isRecord(first.functionResponse) ? first.functionResponse : undefined;
  return fn && isRecord(fn.response) ? fn.response : {};
}
