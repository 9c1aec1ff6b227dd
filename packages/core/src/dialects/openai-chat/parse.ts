import { isRecord } from '../../request/json-path.js';
import type { JsonPath, RequestView, Role } from '../../request/segment.js';
import { addToolDescriptions, argsToText, SegmentCollector, type ToolCallInfo } from '../../request/segment-builder.js';
import { expectArray, expectRecord } from '../../request/shape.js';

const F = 'openai' as const;
const ROLES: Readonly<Record<string, Role>> = {
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
 *
 * Only the essentials are required (an object with a `messages` array); a message, part or
 * field this reader does not know is left exactly as sent and the rest is still read.
 */
export function parseOpenAIChat(request: unknown): RequestView {
  const body = expectRecord(F, request, []);
  const messages = expectArray(F, body.messages, ['messages']);
  const calls = new Map<string, ToolCallInfo>();
  const out = new SegmentCollector();

  messages.forEach((message, i) => {
    if (!isRecord(message)) return;
    const roleName = String(message.role);
    const role = ROLES[roleName];
    if (!role) return;

    if (role === 'assistant' && Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        const fn = isRecord(call) && isRecord(call.function) ? call.function : {};
        if (isRecord(call) && typeof call.id === 'string' && typeof fn.name === 'string') {
          calls.set(call.id, { name: fn.name, args: argsToText(fn.arguments) });
        }
      }
    }
    const callId = typeof message.tool_call_id === 'string' ? message.tool_call_id : undefined;
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

function textParts(content: unknown, path: JsonPath): { text: string; path: JsonPath }[] {
  if (typeof content === 'string') return [{ text: content, path }];
  if (!Array.isArray(content)) return [];
  return content.flatMap((part, j) => {
    if (!isRecord(part)) return [];
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
