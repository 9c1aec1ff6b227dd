import { type ContentType, scanJson } from '@headroom/core';

/** A run of lines with one content type. */
export interface Section {
  readonly start: number; // first line
  readonly end: number; // line after the last
  readonly type: ContentType | undefined; // undefined: detect it from the section's own text
}

/** Embedded JSON shorter than this (in lines, or else in characters) stays part of the text around it. */
const MIN_JSON_LINES = 8;
const MIN_JSON_CHARS = 2000;
const DIFF_LINE =
  /^(diff --git |index [0-9a-f]|--- |\+\+\+ |@@ |[ +\-\\]|new file mode|deleted file mode|similarity index|rename (from|to) |old mode|new mode|Binary files )/;

/**
 * Splits mixed output into sections: multi-line JSON documents and unified diffs embedded in
 * other text become sections of their own, so each part goes to the compressor made for it.
 * Linear in the text; returns one section when nothing is embedded.
 */
export function splitSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [];
  let textStart = 0;
  const closeText = (at: number) => {
    if (at > textStart) sections.push({ start: textStart, end: at, type: undefined });
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const jsonEnd = line.startsWith('{') || line.startsWith('[') ? jsonBlockEnd(lines, i) : -1;
    if (jsonEnd - i >= MIN_JSON_LINES || (jsonEnd > i && blockChars(lines, i, jsonEnd) >= MIN_JSON_CHARS)) {
      closeText(i);
      sections.push({ start: i, end: jsonEnd, type: 'json' });
      i = textStart = jsonEnd;
      continue;
    }
    if (line.startsWith('diff --git ')) {
      let j = i + 1;
      while (j < lines.length && DIFF_LINE.test(lines[j] as string)) j++;
      closeText(i);
      sections.push({ start: i, end: j, type: 'diff' });
      i = textStart = j;
      continue;
    }
    i++;
  }
  closeText(lines.length);
  return sections;
}

/** The line after a JSON document starting at line `start`, or -1 when none closes there. */
function jsonBlockEnd(lines: readonly string[], start: number): number {
  let depth = 0;
  let inString = false;
  for (let j = start; j < lines.length && j < start + 100_000; j++) {
    const line = lines[j] as string;
    for (let k = 0; k < line.length; k++) {
      const c = line[k];
      if (inString) {
        if (c === '\\') k++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          if (line.slice(k + 1).trim()) return -1;
          return scanJson(lines.slice(start, j + 1).join('\n')).ok ? j + 1 : -1;
        }
      }
    }
  }
  return -1;
}

function blockChars(lines: readonly string[], start: number, end: number): number {
  let chars = 0;
  for (let j = start; j < end; j++) chars += (lines[j] as string).length + 1;
  return chars;
}
