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
  return valueSpansAt(text, [path]).get(JSON.stringify(path));
}

/** `valueSpanAt` for several paths in one walk over the text: spans by `JSON.stringify(path)`. */
export function valueSpansAt(
  text: string,
  paths: readonly (readonly (string | number)[])[],
): Map<string, [number, number]> {
  const wanted = new Set(paths.map((path) => JSON.stringify(path)));
  const frames: {
    array: boolean;
    index: number;
    key: string | undefined;
    expectKey: boolean;
    opened?: [string, number];
  }[] = [];
  const here = () => JSON.stringify(frames.map((f) => (f.array ? f.index : f.key)));
  const found = new Map<string, [number, number]>();
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
      const closed = frames.pop();
      if (closed?.opened) found.set(closed.opened[0], [closed.opened[1], i + 1]);
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
    const at = here();
    if (c === '{' || c === '[') {
      frames.push({
        array: c === '[',
        index: 0,
        key: undefined,
        expectKey: c === '{',
        ...(wanted.has(at) ? { opened: [at, i] as [string, number] } : {}),
      });
      continue;
    }
    const end = c === '"' ? jsonStringEnd(text, i) : scalarEnd(text, i);
    if (wanted.has(at)) found.set(at, [i, end]);
    i = end - 1;
  }
  return found;
}

/** A change to the value at `path`: replaced by `value`, and/or followed by `after` (JSON texts). */
export interface ValueEdit {
  readonly path: readonly (string | number)[];
  readonly value?: string;
  /** A new element inserted after the value (it must be an array element). */
  readonly after?: string;
}

/**
 * The JSON text with every edit made in one pass, each other byte kept; undefined when a path
 * leads nowhere or two edits overlap (a value replaced inside another replaced value).
 */
export function editValuesAt(text: string, edits: readonly ValueEdit[]): string | undefined {
  if (!edits.length) return text;
  const spans = valueSpansAt(
    text,
    edits.map((e) => e.path),
  );
  const cuts: { start: number; end: number; text: string }[] = [];
  for (const edit of edits) {
    const span = spans.get(JSON.stringify(edit.path));
    if (!span) return undefined;
    if (edit.value !== undefined) cuts.push({ start: span[0], end: span[1], text: edit.value });
    if (edit.after !== undefined) cuts.push({ start: span[1], end: span[1], text: `,${edit.after}` });
  }
  cuts.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let from = 0;
  for (const cut of cuts) {
    if (cut.start < from) return undefined;
    out += text.slice(from, cut.start) + cut.text;
    from = cut.end;
  }
  return out + text.slice(from);
}

/** The end of a number or literal (`true`, `false`, `null`) starting at `from`. */
function scalarEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  return i;
}

/** The JSON text with the value at `path` replaced by `value` (JSON text); undefined when there is none. */
export function replaceValueAt(text: string, path: readonly (string | number)[], value: string): string | undefined {
  return editValuesAt(text, [{ path, value }]);
}
