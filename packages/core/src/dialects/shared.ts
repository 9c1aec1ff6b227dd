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
