import { queryTerms } from '@headroom/core';

/** A whitespace-separated word of a line, where it sits, and whether it must stay whatever its score. */
export interface Word {
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly forced: boolean;
}

const HEADING = /^\s*(#{1,6}\s|={3,}\s*$|-{3,}\s*$)/;
const FENCE = /^\s*(```|~~~)/;
const LIST_MARKER = /^([-*+•]|\d+[.)])$/;
/** Numbers, identifiers (snake, camel, dotted, scoped), paths and URLs: facts a paraphrase cannot restore. */
const SPECIFIC = /\d|[_$]|[a-z][A-Z]|\w\.\w|::|->|[/\\]|^[a-z][a-z0-9+.-]*:\/\//;
const OPENS = /^["'`“‘(]/;
const CLOSES = /["'`”’)][.,;:!?]*$/;

/**
 * The words of a text, line by line. Forced words stay whatever the model says: numbers,
 * identifiers, paths, URLs, quoted strings, words of the query, headings, list markers and
 * everything inside code fences.
 */
export function readWords(text: string, query: string): Word[] {
  const wanted = new Set(queryTerms(query));
  const words: Word[] = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (FENCE.test(line)) fenced = !fenced;
    const whole = fenced || FENCE.test(line) || HEADING.test(line);
    let quoted = false;
    let first = true;
    for (const match of line.matchAll(/\S+/g)) {
      const word = match[0];
      const opens = OPENS.test(word);
      const inQuote = quoted || opens;
      const forced =
        whole ||
        inQuote ||
        SPECIFIC.test(word) ||
        (first && LIST_MARKER.test(word)) ||
        queryTerms(word).some((t) => wanted.has(t));
      words.push({ text: word, line: index, start: match.index, forced });
      if (opens && !CLOSES.test(word.slice(1))) quoted = true;
      else if (quoted && CLOSES.test(word)) quoted = false;
      first = false;
    }
  });
  return words;
}

/**
 * The text with only the kept words: each line keeps its indentation and its kept words, joined
 * by single spaces; a line whose words all went stays as an empty line, so line structure holds.
 */
export function joinKept(text: string, words: readonly Word[], keep: Uint8Array): string {
  const lines = text.split('\n');
  const kept: string[][] = lines.map(() => []);
  const indent = lines.map((line) => /^\s*/.exec(line)?.[0] ?? '');
  words.forEach((word, i) => {
    if (keep[i]) (kept[word.line] as string[]).push(word.text);
  });
  return lines.map((line, i) => (line.trim() ? `${indent[i]}${(kept[i] as string[]).join(' ')}` : line)).join('\n');
}
