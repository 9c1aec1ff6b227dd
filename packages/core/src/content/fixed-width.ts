/** A table laid out in columns of spaces (`dpkg -l`, `ps aux`, `docker ps`, `kubectl get`, `df -h`). */
export interface FixedWidthLayout {
  /** Lines before the rows: any preamble, the header, and a separator row under it. */
  readonly headLines: number;
  /** The header row's index. */
  readonly header: number;
  /** Where each column starts (0-based character positions); the last runs to the end of the line. */
  readonly starts: readonly number[];
}

/** A row of dashes or equals signs (`+++-====`, `---- ----`) under a header. */
const SEPARATOR = /^[\s+|=-]*[=-]{4,}[\s+|=-]*$/;
/** Rows looked at to find the columns. */
const SAMPLE_ROWS = 200;
/** A position is a gutter when at most this share of rows (and at least one row may) has a character there: a value may overflow its column. */
const OVERFLOW_SHARE = 0.05;

/**
 * The columns of a fixed-width table: a header row of words (found in the first lines, under any
 * preamble, or above a separator row), then rows whose gutters — positions where nearly every row
 * has a space — line up into at least three columns. Right-aligned columns (`ps`'s PID) fit too,
 * since a column is the run between two gutters. Undefined for anything else.
 */
export function fixedWidthLayout(lines: readonly string[]): FixedWidthLayout | undefined {
  const separator = lines.slice(0, 10).findIndex((l) => SEPARATOR.test(l));
  const header = separator > 0 ? separator - 1 : 0;
  const headLines = separator > 0 ? separator + 1 : 1;
  const headerLine = lines[header] ?? '';
  const words = headerLine.trim().split(/\s+/);
  // A header names columns: several words, nearly none holding a digit (a log line, whose
  // timestamp starts it, is a row, not a header).
  if (words.length < 3 || /\d/.test(words[0] ?? '') || words.filter((w) => /\d/.test(w)).length > words.length / 5)
    return undefined;
  const rows = lines.slice(headLines).filter((l) => l.trim() !== '');
  if (rows.length < 8) return undefined;
  const sample = rows.slice(0, SAMPLE_ROWS);
  const width = sample.reduce((w, r) => Math.max(w, r.length), headerLine.length);
  const overflow = Math.max(1, Math.floor(sample.length * OVERFLOW_SHARE));
  // How many rows have a character at each position: one pass over the sample.
  const filled = new Uint32Array(width);
  for (const row of sample) {
    for (let p = 0; p < row.length; p++) if (row.charCodeAt(p) !== 0x20) filled[p] = (filled[p] as number) + 1;
  }
  const starts: number[] = [];
  let inGutter = true;
  for (let p = 0; p < width; p++) {
    const gutter = (filled[p] as number) <= overflow;
    if (!gutter && inGutter) starts.push(p);
    inGutter = gutter;
  }
  if (starts.length < 3) return undefined;
  // The header's words sit in those columns: each column's range holds the start of a word.
  const wordStarts = [...headerLine.matchAll(/\S+/g)].map((m) => m.index);
  const covered = starts.filter((s, k) => wordStarts.some((w) => w >= s - 2 && w < (starts[k + 1] ?? width))).length;
  if (covered < starts.length * 0.75) return undefined;
  return { headLines, header, starts };
}

/** A row's cells under the layout's columns, trimmed. */
export function fixedWidthCells(row: string, starts: readonly number[]): string[] {
  return starts.map((s, k) => row.slice(s, starts[k + 1] ?? row.length).trim());
}
