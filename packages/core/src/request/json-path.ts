import type { JsonPath } from './segment.js';

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns a copy of `root` with the string at `path` replaced. Only the containers along the
 * path are copied; every other value is shared with the input, which is never mutated.
 */
export function replaceAtPath<T>(root: T, path: JsonPath, value: string): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(root)) {
    const copy = root.slice();
    copy[head as number] = replaceAtPath(copy[head as number], rest, value);
    return copy as T;
  }
  if (isRecord(root)) {
    return { ...root, [head]: replaceAtPath(root[head as string], rest, value) } as T;
  }
  throw new TypeError(`cannot replace at ${JSON.stringify(path)}: not a container`);
}

/** Formats a path the way a user reads it: `messages[3].content[0].text`. */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out;
}
