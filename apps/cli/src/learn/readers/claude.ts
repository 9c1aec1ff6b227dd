import { join } from 'node:path';
import { isRecord, jsonLines, type LearnSession, type ToolCall, textOf, toolCall } from '../session.js';
import { filesUnder, type Reader } from './reader.js';

/**
 * Claude Code: one JSONL file per session under `~/.claude/projects/<escaped cwd>/` (or
 * `$CLAUDE_CONFIG_DIR/projects`); `user` and `assistant` lines carry the API's messages, tool calls
 * as `tool_use` blocks and their results as `tool_result` blocks (`is_error` on failures).
 * Sub-agent lines (`isSidechain`) are another conversation and are left out.
 */
export const claudeReader: Reader = {
  agent: 'claude',
  locate: ({ home, env }) =>
    filesUnder(join(env.CLAUDE_CONFIG_DIR ?? join(home, '.claude'), 'projects'), /\.jsonl$/, 2),
  read(file, text) {
    const lines = jsonLines(text);
    if (!lines.length) return [];
    const pending = new Map<string, { name: string; input: Record<string, unknown> }>();
    const calls: ToolCall[] = [];
    let id: string | undefined;
    let cwd: string | undefined;
    let startedAt: string | undefined;
    for (const line of lines) {
      if (line.isSidechain === true) continue;
      id ??= typeof line.sessionId === 'string' ? line.sessionId : undefined;
      cwd ??= typeof line.cwd === 'string' ? line.cwd : undefined;
      startedAt ??= typeof line.timestamp === 'string' ? line.timestamp : undefined;
      const message = line.message;
      if ((line.type !== 'user' && line.type !== 'assistant') || !isRecord(message) || !Array.isArray(message.content))
        continue;
      for (const block of message.content) {
        if (!isRecord(block)) continue;
        if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string')
          pending.set(block.id, { name: block.name, input: isRecord(block.input) ? block.input : {} });
        if (block.type === 'tool_result' && typeof block.tool_use_id === 'string') {
          const use = pending.get(block.tool_use_id);
          if (!use) continue;
          pending.delete(block.tool_use_id);
          calls.push(
            toolCall({
              tool: use.name,
              args: use.input,
              output: textOf(block.content),
              failed: block.is_error === true,
            }),
          );
        }
      }
    }
    const session: LearnSession = {
      agent: 'claude',
      id: id ?? file,
      file,
      calls,
      ...(cwd ? { cwd } : {}),
      ...(startedAt ? { startedAt } : {}),
    };
    return [session];
  },
};
