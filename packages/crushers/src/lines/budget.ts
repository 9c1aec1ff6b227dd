/** Outputs up to this many lines pass untouched: too small to be worth a marker. */
export const SMALL_OUTPUT_LINES = 60;

/**
 * How many lines a crusher keeps (before must-keep lines, which always stay). Grows with the
 * input — about 110 of 1,000 lines, 190 of 3,000, 340 of 10,000 — so a long output never
 * collapses to a handful of lines.
 */
export function lineBudget(lines: number): number {
  if (lines <= SMALL_OUTPUT_LINES) return lines;
  return Math.min(lines, Math.round(24 + 2.5 * Math.sqrt(lines) + 0.01 * lines));
}
