import { join } from 'node:path';
import { isRecord, jsonLines, type LearnSession, type ToolCall, textOf, toolCall } from '../session.js';
import { filesUnder, type Reader } from './reader.js';

/**
 * pi: one JSONL file per session under `~/.pi/agent/sessions/<escaped cwd>/` (or
 * `$PI_CODING_AGENT_DIR/sessions`); a `session` line with its id and cwd, then `message` lines —
 * the assistant's with `toolCall` blocks, and `toolResult` messages with `isError`.
 */
export const piReader: Reader = {
  agent: 'pi',
  locate: ({ home, env }) =>
    filesUnder(join(env.PI_CODING_AGENT_DIR ?? join(home, '.pi', 'agent'), 'sessions'), /\.jsonl$/, 2),
  read(file, text) {
    const lines = jsonLines(text);
    if (!lines.length) return [];
    const head = lines.find((l) => l.type === 'session');
    const pending = new Map<string, { name: string; args: Record<string, unknown> }>();
    const calls: ToolCall[] = [];
    for (const line of lines) {
      const message = isRecord(line.message) ? line.message : undefined;
      if (line.type !== 'message' || !message) continue;
      if (message.role === 'assistant' && Array.isArray(message.content)) {
        for (const block of message.content)
          if (isRecord(block) && block.type === 'toolCall' && typeof block.id === 'string')
            pending.set(block.id, {
              name: String(block.name ?? ''),
              args: isRecord(block.arguments) ? block.arguments : {},
            });
      }
      if (message.role === 'toolResult' && typeof message.toolCallId === 'string') {
        const call = pending.get(message.toolCallId);
        if (!call) continue;
        pending.delete(message.toolCallId);
        calls.push(
          toolCall({
            tool: call.name,
            args: call.args,
            output: textOf(message.content),
            failed: message.isError === true,
          }),
        );
      }
    }
    const session: LearnSession = {
      agent: 'pi',
      id: typeof head?.id === 'string' ? head.id : file,
      file,
      calls,
      ...(typeof head?.cwd === 'string' ? { cwd: head.cwd } : {}),
      ...(typeof head?.timestamp === 'string' ? { startedAt: head.timestamp } : {}),
    };
    return [session];
  },
};
