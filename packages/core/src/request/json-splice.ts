import { jsonStringEnd, scanJson } from '../transforms/json-minify/json-scanner.js';
import type { JsonPath } from './segment.js';

/** A new text for the string at `path`. */
export interface TextEdit {
  readonly path: JsonPath;
  readonly text: string;
}

export interface SpliceOptions {
  /**
   * `text` is known to be one valid JSON document (`JSON.parse` read it, or it was written from
   * one that was): the validating pass, a second walk over a body that may be megabytes, is skipped.
   */
  readonly valid?: boolean;
}

/**
 * Writes edits into the original JSON *text* of a request rather than re-serialising the parsed
 * object, so every byte outside the edited strings — formatting, number literals, escapes, key
 * order — stays exactly as the client sent it. Returns `undefined` when the text is not a
 * single valid JSON document or an edit's path does not lead to a string in it.
 *
 * When a key repeats in one object, the last occurrence is edited (that is the one `JSON.parse` reads).
 */
export function spliceJsonText(
  text: string,
  edits: readonly TextEdit[],
  options: SpliceOptions = {},
): string | undefined {
  if (edits.length === 0) return text;
  if (!options.valid) {
    const scan = scanJson(text);
    if (!scan.ok || scan.documents !== 1) return undefined;
  }
  const wanted = new Map(edits.map((e) => [pathKey(e.path), e.text]));
  const spans = new Map<string, [number, number]>();
  walkStrings(text, (path, start, end) => {
    const key = pathKey(path);
    if (wanted.has(key)) spans.set(key, [start, end]);
  });
  if (spans.size !== wanted.size) return undefined;
  const ordered = [...spans].sort((a, b) => a[1][0] - b[1][0]);
  let out = '';
  let from = 0;
  for (const [key, [start, end]] of ordered) {
    out += text.slice(from, start) + JSON.stringify(wanted.get(key));
    from = end;
  }
  return out + text.slice(from);
}

function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

interface Frame {
  readonly array: boolean;
  index: number;
  key: string;
  /** In an object: true while the next string is a key. */
  expectKey: boolean;
}

/** Calls `visit` for every string *value* in a valid JSON document, with its path and span. */
function walkStrings(text: string, visit: (path: JsonPath, start: number, end: number) => void): void {
  const frames: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const top = frames[frames.length - 1];
    if (c === '{' || c === '[') {
      frames.push({ array: c === '[', index: 0, key: '', expectKey: c === '{' });
      i++;
    } else if (c === '}' || c === ']') {
      frames.pop();
      i++;
    } else if (c === ',') {
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
      i++;
    } else if (c === '"') {
      const end = jsonStringEnd(text, i);
      if (top && !top.array && top.expectKey) {
        top.key = JSON.parse(text.slice(i, end)) as string;
        top.expectKey = false;
      } else {
        visit(
          frames.map((f) => (f.array ? f.index : f.key)),
          i,
          end,
        );
      }
      i = end;
    } else i++;
  }
}
