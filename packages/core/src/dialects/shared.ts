import { isRecord } from '../request/json-path.js';
import { spliceJsonText } from '../request/json-splice.js';
import type { JsonPath } from '../request/segment.js';
import type { SseEvent } from './sse.js';

/** The first user message's text in a list of messages or input items; a string input is the text. */
export function firstUserText(turns: unknown): string {
  if (typeof turns === 'string') return turns;
  if (!Array.isArray(turns)) return '';
  const first = turns.find((m) => isRecord(m) && m.role === 'user') as Record<string, unknown> | undefined;
  const content = first?.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is Record<string, unknown> => isRecord(b) && typeof b.text === 'string')
    .map((b) => b.text as string)
    .join('\n');
}

const isSystemTurn = (m: unknown) => isRecord(m) && (m.role === 'system' || m.role === 'developer');

/** A declared tool's name in any format; Gemini's tools declare several functions each. */
function toolNames(tool: unknown): unknown[] {
  if (!isRecord(tool)) return [''];
  const declarations = tool.functionDeclarations ?? tool.function_declarations;
  if (Array.isArray(declarations)) return declarations.map((d) => (isRecord(d) ? d.name : ''));
  return [tool.name ?? (isRecord(tool.function) ? tool.function.name : '')];
}

/**
 * What every request of one conversation repeats, to name it by: the system prompt (`system`, or
 * the first system turn), the first turn that is not a system one (a string input is that turn),
 * and the names of the declared tools.
 */
export function conversationOpening(system: unknown, turns: unknown, tools: unknown): unknown[] {
  const list = Array.isArray(turns) ? turns : [];
  return [
    system ?? list.find(isSystemTurn) ?? null,
    list.find((m) => isRecord(m) && !isSystemTurn(m)) ?? (typeof turns === 'string' ? turns : null),
    Array.isArray(tools) ? tools.flatMap(toolNames) : [],
  ];
}

/** The JSON text with `addition` appended to the string at `path` (whose value is `current`). */
export function appendToStringAt(text: string, path: JsonPath, current: string, addition: string): string | undefined {
  return spliceJsonText(text, [{ path, text: `${current}${addition}` }], { valid: true });
}

/** An event written again with new data, its name and separator kept. */
export function rewriteEvent(event: SseEvent, data: Record<string, unknown>): string {
  const separator = /\r?\n\r?\n$/.exec(event.raw)?.[0] ?? '\n\n';
  return `${event.event ? `event: ${event.event}\n` : ''}data: ${JSON.stringify(data)}${separator}`;
}

export { isRecord };
