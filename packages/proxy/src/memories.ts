import { spliceJsonText, type TextEdit, type WireFormat } from '@headroom/core';
import { arraySpanAt } from './retrieval.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The words that open a conversation: its first user message, as text. What memories are chosen for. */
export function openingQuestion(format: WireFormat, request: Record<string, unknown>): string {
  const turns = format === 'responses' ? request.input : request.messages;
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

/**
 * Adds the memories block to the request's system prompt, in the client's own bytes: appended to
 * the system text when there is one (Anthropic `system`, the first system or developer message,
 * Responses `instructions`), otherwise as a new system prompt at the front. Undefined when the
 * body cannot be edited safely.
 */
export function injectMemories(
  text: string,
  format: WireFormat,
  request: Record<string, unknown>,
  block: string,
): string | undefined {
  const addition = `\n\n${block}`;
  const edit = (path: (string | number)[], current: string): string | undefined =>
    spliceJsonText(text, [{ path, text: `${current}${addition}` } as TextEdit], { valid: true });
  if (format === 'anthropic') {
    const system = request.system;
    if (typeof system === 'string') return edit(['system'], system);
    if (Array.isArray(system)) {
      const last = system.length - 1;
      const tail = system[last];
      if (isRecord(tail) && tail.type === 'text' && typeof tail.text === 'string')
        return edit(['system', last, 'text'], tail.text);
      return undefined;
    }
    return prependMember(text, 'system', block);
  }
  if (format === 'responses') {
    if (typeof request.instructions === 'string') return edit(['instructions'], request.instructions);
    return request.instructions === undefined || request.instructions === null
      ? prependMember(text, 'instructions', block)
      : undefined;
  }
  const messages = Array.isArray(request.messages) ? request.messages : undefined;
  if (!messages) return undefined;
  const first = messages[0];
  if (isRecord(first) && (first.role === 'system' || first.role === 'developer') && typeof first.content === 'string')
    return edit(['messages', 0, 'content'], first.content);
  const span = arraySpanAt(text, ['messages']);
  if (!span) return undefined;
  const rest = text.slice(span.open + 1).trim();
  const message = JSON.stringify({ role: 'system', content: block });
  return `${text.slice(0, span.open + 1)}${message}${rest.startsWith(']') ? '' : ','}${text.slice(span.open + 1)}`;
}

/** A new first member of the top-level object, every other byte kept. */
function prependMember(text: string, key: string, value: string): string | undefined {
  const open = text.indexOf('{');
  if (open < 0) return undefined;
  const rest = text.slice(open + 1).trim();
  return `${text.slice(0, open + 1)}${JSON.stringify(key)}:${JSON.stringify(value)}${rest.startsWith('}') ? '' : ','}${text.slice(open + 1)}`;
}
