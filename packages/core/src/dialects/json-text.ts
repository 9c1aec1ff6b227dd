import { jsonStringEnd } from '../transforms/json-minify/json-scanner.js';

/**
 * Edits to a request in the client's own JSON text: one thing added, every other byte kept, so
 * the same request always becomes the same bytes (a prompt cache keyed on them keeps holding).
 */

/** Offsets of `[` and `]` of the array at `path` in a JSON text, or `undefined` when there is none. */
export function arraySpanAt(
  text: string,
  path: readonly (string | number)[],
): { open: number; close: number } | undefined {
  const frames: { array: boolean; index: number; key: string | undefined; expectKey: boolean }[] = [];
  const wanted = JSON.stringify(path);
  const here = () => JSON.stringify(frames.map((f) => (f.array ? f.index : f.key)));
  let openAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = frames[frames.length - 1];
    if (c === '"') {
      const end = jsonStringEnd(text, i);
      if (top && !top.array && top.expectKey) {
        top.key = JSON.parse(text.slice(i, end)) as string;
        top.expectKey = false;
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      if (c === '[' && openAt < 0 && here() === wanted) openAt = i;
      frames.push({ array: c === '[', index: 0, key: undefined, expectKey: c === '{' });
    } else if (c === '}' || c === ']') {
      frames.pop();
      if (c === ']' && openAt >= 0 && here() === wanted) return { open: openAt, close: i };
    } else if (c === ',' && top) {
      if (top.array) top.index++;
      else top.expectKey = true;
    }
  }
  return undefined;
}

/** `item` (JSON text) as the last element of the array at `path`; undefined when there is none. */
export function appendToArrayAt(text: string, path: readonly (string | number)[], item: string): string | undefined {
  const span = arraySpanAt(text, path);
  if (!span) return undefined;
  const inner = text.slice(span.open + 1, span.close).trim();
  return `${text.slice(0, span.close)}${inner ? ',' : ''}${item}${text.slice(span.close)}`;
}

/** `item` (JSON text) as the first element of the array at `path`; undefined when there is none. */
export function prependToArrayAt(text: string, path: readonly (string | number)[], item: string): string | undefined {
  const span = arraySpanAt(text, path);
  if (!span) return undefined;
  const rest = text.slice(span.open + 1).trim();
  return `${text.slice(0, span.open + 1)}${item}${rest.startsWith(']') ? '' : ','}${text.slice(span.open + 1)}`;
}

/** A new first member of the top-level object (`value` is JSON text); undefined when there is no object. */
export function prependMember(text: string, key: string, value: string): string | undefined {
  const open = text.indexOf('{');
  if (open < 0) return undefined;
  const rest = text.slice(open + 1).trim();
  return `${text.slice(0, open + 1)}${JSON.stringify(key)}:${value}${rest.startsWith('}') ? '' : ','}${text.slice(open + 1)}`;
}
