import { type ContentType, fixedWidthLayout, scanJson } from '@headroom/core';

/** Lines looked at to decide; detection stays cheap on huge outputs. */
const SAMPLE_LINES = 400;

// `path:12:` — the path has a letter and does not end in a digit, so `22:15:29` timestamps are not matches.
const GREP_LINE = /^(?=[^\s:]*[A-Za-z])[^\s:]{0,399}[^\s:\d]:\d+[:-]/;
const LS_LONG = /^[-dlcbps][rwxsStT-]{9}[.+@]?\s+\d+\s/;
const PATH_LINE = /^(\.{0,2}\/)?[\w.@+~-]+(\/[\w.@+~ ,-]*)*\/?$/;
// du: a size, then one path and nothing else.
const DU_LINE = /^\d+(\.\d+)?[KMGTPkB]?\s+(\.|\/|~|[\w.@+-]+\/)\S*$/;
const TREE_LINE = /^[│├└|` ]*(├──|└──|\|--|`--)/;
const LS_TREE_LINE = /^\d{6} (blob|tree|commit) [0-9a-f]{7,64}\s/;
const TIMESTAMP =
  /(^|\s|\[)(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{2}:\d{2}:\d{2}|\d{6} \d{6}|[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2})/;
const LEVEL = /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|SEVERE)\b/;
const STACK_FRAME = /^\s+(at [\w$.<>]+ ?\(?.*:\d+|File ".+", line \d+)/;
const CODE_LINE =
  /^\s*(import |from \S+ import |export |def |class |function |const |let |var |fn |func |pub |package |#include|public |private |return\b|if \(|for \(|\}|\{$)|[;{]\s*$/;
const MD_LINE = /^(#{1,6} |[-*+] |\d+\. |> |```|\|.*\|$)/;

/**
 * Assigns a content type from the text's shape. Deterministic, linear in the sample, and never
 * throws. Order matters: the most specific signatures are tried first.
 *
 * @example
 * detectContentType('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b') // → 'diff'
 */
export function detectContentType(text: string): ContentType {
  try {
    return detect(text);
  } catch {
    return 'text';
  }
}

function detect(text: string): ContentType {
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    if (scanJson(text).ok) return 'json';
  }
  if (/^<(!doctype html|html[\s>]|head[\s>]|body[\s>])/i.test(head)) return 'html';

  const lines = sampleLines(text);
  const nonEmpty = lines.filter((l) => l.trim() !== '');
  if (nonEmpty.length === 0) return 'text';
  const share = (re: RegExp) => nonEmpty.filter((l) => re.test(l)).length / nonEmpty.length;

  if (nonEmpty.some((l) => l.startsWith('diff --git ')) || hasUnifiedHunks(lines)) return 'diff';
  if (share(GREP_LINE) >= 0.6) return 'search';
  // ls -l rows carry dates, so they are recognised before logs; du rows start with numbers, so after.
  if (share(LS_LONG) + share(/^total \d+$/) >= 0.6 || share(TREE_LINE) >= 0.5 || share(LS_TREE_LINE) >= 0.8)
    return 'listing';
  if (
    /Traceback \(most recent call last\):|^\s+at .+\(.+:\d+:\d+\)$/m.test(lines.join('\n')) &&
    share(STACK_FRAME) >= 0.2
  ) {
    return 'stack-trace';
  }
  if (share(TIMESTAMP) >= 0.4 || share(LEVEL) >= 0.4) return 'log';
  if (
    share(DU_LINE) >= 0.8 ||
    (share(PATH_LINE) >= 0.8 && nonEmpty.filter((l) => l.includes('/')).length >= nonEmpty.length * 0.6)
  ) {
    return 'listing';
  }
  if (
    /<\/?(div|p|span|a|table|ul|li|section|article)[\s>]/i.test(head.slice(0, 2000)) &&
    share(/<\/?[a-z][^>]*>/i) >= 0.4
  ) {
    return 'html';
  }
  if (!isProse(nonEmpty.slice(0, 50)) && (isTable(nonEmpty) || fixedWidthLayout(lines))) return 'table';
  if (share(CODE_LINE) >= 0.35) return 'code';
  if (share(MD_LINE) >= 0.15) return 'markdown';
  const proseLines = nonEmpty.filter((l) => l.length > 60 && /[a-z]{3,} [a-z]{3,} [a-z]{3,}/i.test(l)).length;
  if (proseLines / nonEmpty.length >= 0.5) return 'prose';
  return 'text';
}

function sampleLines(text: string): string[] {
  const lines: string[] = [];
  let from = 0;
  while (lines.length < SAMPLE_LINES && from <= text.length) {
    const end = text.indexOf('\n', from);
    // Very long lines are cut for detection; patterns only look at their start.
    const line = text.slice(from, Math.min(end < 0 ? text.length : end, from + 2000));
    lines.push(line);
    if (end < 0) break;
    from = end + 1;
  }
  return lines;
}

function hasUnifiedHunks(lines: string[]): boolean {
  for (let i = 0; i + 2 < lines.length; i++) {
    if (lines[i]?.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ') && lines[i + 2]?.startsWith('@@ '))
      return true;
  }
  return false;
}

/** CSV/TSV with a steady column count, or a Markdown table (fixed-width tables: see `fixedWidthLayout`). */
function isTable(lines: string[]): boolean {
  if (lines.length < 4) return false;
  if (lines.filter((l) => /^\s*\|.*\|\s*$/.test(l)).length / lines.length >= 0.8) return true;
  for (const sep of ['\t', ',']) {
    const counts = lines.slice(0, 50).map((l) => l.split(sep).length - 1);
    const first = counts[0] ?? 0;
    if (first >= 1 && counts.filter((c) => c === first).length / counts.length >= 0.9) return true;
  }
  return false;
}

/**
 * Paragraphs, not rows: most lines are ten words or more and their commas are followed by a
 * space. Paragraphs repeated from a template have steady comma counts and aligned spaces, which
 * would otherwise pass for a CSV or a fixed-width table.
 */
function isProse(lines: readonly string[]): boolean {
  const wordy = lines.filter((l) => (l.match(/[A-Za-z]{2,}/g)?.length ?? 0) >= 10).length;
  const commas = lines.reduce((n, l) => n + (l.match(/,/g)?.length ?? 0), 0);
  const spaced = lines.reduce((n, l) => n + (l.match(/, /g)?.length ?? 0), 0);
  return wordy >= lines.length * 0.8 && spaced >= commas * 0.8;
}
