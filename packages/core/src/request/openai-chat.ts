import { isRecord } from './json-path.js';
import type { RequestView, Role } from './segment.js';
import { addToolDescriptions, argsToText, SegmentCollector, type ToolCallInfo } from './segment-builder.js';
import { expectArray, expectRecord, optionalString, shapeError } from './shape.js';

const F = 'openai' as const;
const ROLES: Record<string, Role> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

/**
 * Reads an OpenAI Chat Completions request (`messages` with string or part-array content,
 * assistant `tool_calls`, `tool` and legacy `function` messages, `tools`) into segments.
 * Images, audio and files are not text and are left alone.
 */
export function parseOpenAIChat(request: unknown): RequestView {
  const body = expectRecord(F, request, []);
  const messages = expectArray(F, body.messages, ['messages']);
  const calls = new Map<string, ToolCallInfo>();
  const out = new SegmentCollector();

  messages.forEach((raw, i) => {
    const message = expectRecord(F, raw, ['messages', i]);
    const roleName = message.role;
    if (typeof roleName !== 'string' || !(roleName in ROLES)) {
      shapeError(F, ['messages', i, 'role'], 'one of system, developer, user, assistant, tool');
    }
    const role = ROLES[roleName] as Role;

    if (role === 'assistant' && message.tool_calls !== undefined && message.tool_calls !== null) {
      expectArray(F, message.tool_calls, ['messages', i, 'tool_calls']).forEach((c, k) => {
        const call = expectRecord(F, c, ['messages', i, 'tool_calls', k]);
        const fn = isRecord(call.function) ? call.function : {};
        if (typeof call.id === 'string' && typeof fn.name === 'string') {
          calls.set(call.id, { name: fn.name, args: argsToText(fn.arguments) });
        }
      });
    }
    const callId = optionalString(F, message.tool_call_id, ['messages', i, 'tool_call_id']);
    const call =
      roleName === 'function' && typeof message.name === 'string'
        ? { name: message.name, args: '' }
        : callId !== undefined
          ? calls.get(callId)
          : undefined;

    const texts = textParts(message.content, ['messages', i, 'content']);
    for (const { text, path } of texts) {
      out.add({
        message: i,
        role,
        kind: role === 'tool' ? 'tool-result' : 'text',
        text,
        path,
        call,
        toolCallId: callId,
      });
    }
    if (role === 'user') out.noteUserText(texts.map((t) => t.text).join('\n'));
  });

  addToolSchemas(body.tools, out);
  return { format: F, request, model: typeof body.model === 'string' ? body.model : undefined, segments: out.segments };
}

function textParts(content: unknown, path: (string | number)[]): { text: string; path: (string | number)[] }[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ text: content, path }];
  return expectArray(F, content, path).flatMap((raw, j) => {
    const part = expectRecord(F, raw, [...path, j]);
    if (part.type === 'text' && typeof part.text === 'string') return [{ text: part.text, path: [...path, j, 'text'] }];
    if (part.type === 'refusal' && typeof part.refusal === 'string') {
      return [{ text: part.refusal, path: [...path, j, 'refusal'] }];
    }
    return [];
  });
}

function addToolSchemas(tools: unknown, out: SegmentCollector): void {
  if (!Array.isArray(tools)) return;
  tools.forEach((tool, k) => {
    if (!isRecord(tool) || !isRecord(tool.function)) return;
    const path = ['tools', k, 'function'];
    addToolDescriptions(out, tool.function, [...path, 'description'], tool.function.parameters, [
      ...path,
      'parameters',
    ]);
  });
}
