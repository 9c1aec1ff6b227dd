import { nextTurn } from '../async/next-turn.js';
import { jsonStringEnd } from '../transforms/json-minify/json-scanner.js';

/** Documents shorter than this are parsed at once: it takes a few milliseconds. */
const SMALL_DOCUMENT = 1024 * 1024;
/** String literals at least this long are decoded apart from the document, in slices. */
const LARGE_STRING = 256 * 1024;
/** Characters of a string literal decoded per turn of the event loop. */
const DECODE_SLICE = 1024 * 1024;
/** Characters scanned for string literals per turn. */
const SCAN_SLICE = 4 * 1024 * 1024;

/**
 * `JSON.parse` for a request body of many megabytes without holding the event loop for the
 * whole of it. What makes such a body large is almost always a few long strings (tool outputs),
 * so those are cut out and decoded in slices with a turn between them; the rest of the document,
 * small once they are out, is parsed at once. The result equals `JSON.parse(text)`; invalid JSON
 * throws the same `SyntaxError` (found by parsing the whole text at once: only bad input pays that).
 */
export async function parseJsonInTurns(text: string): Promise<unknown> {
  if (text.length < SMALL_DOCUMENT) return JSON.parse(text);
  const spans = await largeStrings(text);
  if (spans.length === 0) return JSON.parse(text);
  // A placeholder no client string can equal: the marker character and a per-call nonce.
  const nonce = `\u0000headroom-${Math.random().toString(36).slice(2)}-`;
  let skeleton = '';
  let from = 0;
  spans.forEach(([start, end], index) => {
    skeleton += `${text.slice(from, start)}${JSON.stringify(`${nonce}${index}`)}`;
    from = end;
  });
  skeleton += text.slice(from);
  let parsed: unknown;
  const values: string[] = [];
  try {
    parsed = JSON.parse(skeleton);
    for (const [start, end] of spans) values.push(await decodeLiteral(text, start, end));
  } catch {
    return JSON.parse(text); // the syntax error, reported against the client's own text
  }
  return restore(parsed, nonce, values);
}

/** Spans (quote to quote, inclusive) of the string literals at least `LARGE_STRING` long. */
async function largeStrings(text: string): Promise<[number, number][]> {
  const spans: [number, number][] = [];
  let scanned = 0;
  for (let at = text.indexOf('"'); at >= 0; ) {
    const end = jsonStringEnd(text, at);
    // Values only: a key this long stays in the document (the restore puts values back, not keys).
    if (end - at >= LARGE_STRING && !isKey(text, end)) spans.push([at, end]);
    if (end - scanned >= SCAN_SLICE) {
      scanned = end;
      await nextTurn();
    }
    at = text.indexOf('"', end);
  }
  return spans;
}

function isKey(text: string, end: number): boolean {
  let i = end;
  while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  return text[i] === ':';
}

/** The value of the string literal at `start..end`, decoded a slice at a time. */
async function decodeLiteral(text: string, start: number, end: number): Promise<string> {
  const parts: string[] = [];
  const last = end - 1; // the closing quote
  for (let at = start + 1; at < last; ) {
    const cut = escapeSafeCut(text, at, Math.min(at + DECODE_SLICE, last));
    parts.push(JSON.parse(`"${text.slice(at, cut)}"`) as string);
    at = cut;
    if (at < last) await nextTurn();
  }
  return parts.join('');
}

/**
 * A cut at or before `limit` that does not fall inside an escape sequence (`\n`, `\"`,
 * `\u00e9`); a surrogate pair written as two `\u` escapes may be cut between them, since the
 * halves join back into the same UTF-16 string.
 */
function escapeSafeCut(text: string, from: number, limit: number): number {
  const window = Math.max(from, limit - 6);
  const backslash = text.lastIndexOf('\\', limit - 1);
  if (backslash < window) return limit;
  let runStart = backslash;
  while (runStart > from && text.charCodeAt(runStart - 1) === 0x5c) runStart--;
  // An even run is escaped backslashes, ending before `limit`; an odd one starts an escape at its last backslash.
  if ((backslash - runStart + 1) % 2 === 0) return limit;
  return backslash > from ? backslash : limit;
}

function restore(value: unknown, nonce: string, values: readonly string[]): unknown {
  if (typeof value === 'string')
    return value.startsWith(nonce) ? (values[Number(value.slice(nonce.length))] as string) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restore(value[i], nonce, values);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const next = restore(record[key], nonce, values);
      // Defined, not assigned: a `__proto__` key is an own property after JSON.parse and stays one.
      if (next !== record[key])
        Object.defineProperty(record, key, { value: next, writable: true, enumerable: true, configurable: true });
    }
  }
  return value;
}
