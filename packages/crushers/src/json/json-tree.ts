import { jsonStringEnd } from '@headroom/core';

/**
 * A JSON tree that keeps every scalar exactly as written: numbers, strings (with their
 * escapes) and literals are raw source slices, never converted to JS values. So
 * `12345678901234567890` and `1e3` survive any selection and re-serialisation untouched.
 */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: [key: string, value: JsonNode][] }
  | { readonly kind: 'array'; readonly items: JsonNode[] }
  | { readonly kind: 'raw'; readonly raw: string };

/** Deeper documents are only minified, never taken apart (and never recursed into). */
export const MAX_TREE_DEPTH = 200;

/**
 * Parses *minified*, already validated JSON (see `scanJson`) without recursion. Returns
 * undefined past `MAX_TREE_DEPTH`.
 */
export function parseTree(json: string): JsonNode | undefined {
  const stack: (JsonNode & { kind: 'object' | 'array' })[] = [];
  const keys: (string | undefined)[] = [];
  let root: JsonNode | undefined;
  let i = 0;
  const attach = (node: JsonNode) => {
    const parent = stack[stack.length - 1];
    if (!parent) root = node;
    else if (parent.kind === 'array') parent.items.push(node);
    else parent.entries.push([keys[keys.length - 1] as string, node]);
  };
  while (i < json.length) {
    const c = json[i] as string;
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_TREE_DEPTH) return undefined;
      const node: JsonNode & { kind: 'object' | 'array' } =
        c === '{' ? { kind: 'object', entries: [] } : { kind: 'array', items: [] };
      attach(node);
      stack.push(node);
      keys.push(undefined);
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      keys.pop();
      i++;
    } else if (c === ',' || c === ':') {
      i++;
    } else {
      const end = c === '"' ? jsonStringEnd(json, i) : scalarEnd(json, i);
      const raw = json.slice(i, end);
      const parent = stack[stack.length - 1];
      if (parent?.kind === 'object' && json[end] === ':') keys[keys.length - 1] = raw;
      else attach({ kind: 'raw', raw });
      i = end;
    }
  }
  return root;
}

function scalarEnd(json: string, start: number): number {
  let i = start;
  while (i < json.length && json[i] !== ',' && json[i] !== '}' && json[i] !== ']') i++;
  return i;
}

/** Minified JSON of a tree (depth is bounded by `MAX_TREE_DEPTH`, so recursion is safe). */
export function serialize(node: JsonNode): string {
  if (node.kind === 'raw') return node.raw;
  if (node.kind === 'array') return `[${node.items.map(serialize).join(',')}]`;
  return `{${node.entries.map(([k, v]) => `${k}:${serialize(v)}`).join(',')}}`;
}

/** The text of a raw string node without its quotes (escapes left as written). */
export function rawStringContent(node: JsonNode): string | undefined {
  return node.kind === 'raw' && node.raw.startsWith('"') ? node.raw.slice(1, -1) : undefined;
}
