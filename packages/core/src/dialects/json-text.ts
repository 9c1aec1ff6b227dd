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

/**
 * Offsets of the value at `path` (any JSON value: string, number, literal, object, array) in a
 * JSON text, end exclusive; `undefined` when the path leads nowhere. When a key repeats in one
 * object, the last occurrence is found (the one `JSON.parse` reads).
 */
export function valueSpanAt(text: string, path: readonly (string | number)[]): [number, number] | undefined {
  const frames: { array: boolean; index: number; key: string | undefined; expectKey: boolean }[] = [];
  const wanted = JSON.stringify(path);
  const here = () => JSON.stringify(frames.map((f) => (f.array ? f.index : f.key)));
  let found: [number, number] | undefined;
  let openAt = -1;
  let openDepth = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const top = frames[frames.length - 1];
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === ':') continue;
    if (c === ',') {
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
      continue;
    }
    if (c === '}' || c === ']') {
      frames.pop();
      if (openAt >= 0 && frames.length === openDepth) {
        found = [openAt, i + 1];
        openAt = -1;
      }
      continue;
    }
    if (c === '"' && top && !top.array && top.expectKey) {
      const end = jsonStringEnd(text, i);
      top.key = JSON.parse(text.slice(i, end)) as string;
      top.expectKey = false;
      i = end - 1;
      continue;
    }
    // A value starts here.
    const atWanted = openAt < 0 && here() === wanted;
    if (c === '{' || c === '[') {
      if (atWanted) {
        openAt = i;
        openDepth = frames.length;
      }
      frames.push({ array: c === '[', index: 0, key: undefined, expectKey: c === '{' });
      continue;
    }
    const end = c === '"' ? jsonStringEnd(text, i) : scalarEnd(text, i);
    if (atWanted) found = [i, end];
    i = end - 1;
  }
  return found;
}

/** The end of a number or literal (`true`, `false`, `null`) starting at `from`. */
function scalarEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  return i;
}

/** The JSON text with the value at `path` replaced by `value` (JSON text); undefined when there is none. */
export function replaceValueAt(text: string, path: readonly (string | number)[], value: string): string | undefined {
  const span = valueSpanAt(text, path);
  return span ? `${text.slice(0, span[0])}${value}${text.slice(span[1])}` : undefined;
}
