import { formatMarker } from '@headroom/core';
import { countsDetail, emitWithMarkers } from '../lines/line-crusher.js';
import { isSummaryLine, levelName, severity } from '../lines/mask.js';

/** Lines kept from each end of a folded output. */
const HEAD = 3;
const TAIL = 3;
/** Most error or warning lines a fold keeps: the first ones of each kind, the rest counted in its markers. */
const MAX_SIGNAL_LINES = 24;
/** A text of few, long lines (minified JSON, one huge line) is cut by characters: this many from the start, half from the end. */
const HEAD_CHARS = 1200;

/**
 * The tightest form of a tool output, for the one case where history must shrink — a request that
 * would overflow its model's window: its first and last lines, its summary lines (totals, exit
 * codes) and its first error and warning lines, every other line in markers with exact counts
 * (and the key of the original when `key` is given). Kept text is verbatim; a text of a few very
 * long lines keeps its start and end by characters. Deterministic: the same output always folds to
 * the same text.
 *
 * @example
 * foldToFit(buildLog, key) // '…first lines…\n[… 4,980 of 5,000 lines omitted (INFO: 4,970, DEBUG: 10) · headroom:… …]\n…'
 */
export function foldToFit(original: string, key: string | undefined): string {
  const lines = original.split('\n');
  if (lines.length <= HEAD + TAIL + 2 || original.length / lines.length > 2000) return foldChars(original, key);
  const keep = new Uint8Array(lines.length);
  for (let i = 0; i < Math.min(HEAD, lines.length); i++) keep[i] = 1;
  for (let i = Math.max(0, lines.length - TAIL); i < lines.length; i++) keep[i] = 1;
  let signals = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (isSummaryLine(line)) keep[i] = 1;
    else if (signals < MAX_SIGNAL_LINES && severity(line)) {
      keep[i] = 1;
      signals++;
    }
  }
  const folded = emitWithMarkers(lines, keep, 'lines', (gap) => countsDetail(gap.map(levelName)), key);
  return folded.length < original.length ? folded : original;
}

/** Start and end by characters, cut at line or word boundaries where there are any. */
function foldChars(original: string, key: string | undefined): string {
  const tail = HEAD_CHARS / 2;
  if (original.length <= HEAD_CHARS + tail + 200) return original;
  let head = original.lastIndexOf('\n', HEAD_CHARS);
  if (head < HEAD_CHARS / 2) head = original.lastIndexOf(' ', HEAD_CHARS);
  if (head < HEAD_CHARS / 2) head = HEAD_CHARS;
  let from = original.indexOf('\n', original.length - tail);
  if (from < 0 || from > original.length - tail / 2) from = original.length - tail;
  const marker = formatMarker({
    omitted: from - head,
    total: original.length,
    unit: 'chars',
    ...(key ? { key } : {}),
  });
  return `${original.slice(0, head)}\n${marker}\n${original.slice(from)}`;
}
