/**
 * True when a user-message text block looks like machine output pasted in (JSON, logs,
 * listings, search results, diffs, HTML, command output) rather than the user's own prose.
 * Many agents send tool observations as user messages; this keeps those compressible while
 * the user's instructions stay untouched.
 *
 * Deterministic and linear in the text length.
 */
export function looksLikeData(text: string): boolean {
  const trimmed = text.trimStart();
  const first = trimmed.charCodeAt(0);
  if (first === 0x7b || first === 0x5b || first === 0x3c) return true; // { [ <
  const lines = text.split('\n');
  if (lines.length < 8) return false;
  let prose = 0;
  let counted = 0;
  for (const line of lines) {
    const t = line.trim();
    if (!t) continue;
    counted++;
    if (isProseLine(t)) prose++;
  }
  // Mostly non-prose lines (or a long run of very similar short lines) means data.
  return counted > 0 && prose / counted < 0.5;
}

const WORD = /[A-Za-z][a-z'’-]*[a-z]|[A-Za-z]/g;

/** A line of prose: several words, almost only letters and spaces, few code symbols. */
function isProseLine(line: string): boolean {
  const words = line.match(WORD)?.length ?? 0;
  if (words < 5) return false;
  let letters = 0;
  let symbols = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x20 || c > 0x7f) letters++;
    else if (SYMBOLS.has(c)) symbols++;
  }
  return letters / line.length >= 0.85 && symbols / line.length < 0.04;
}

/** Characters that are rare in prose and common in code, paths and data: { } = | \ / : ; [ ] < > _ */
const SYMBOLS = new Set([0x7b, 0x7d, 0x3d, 0x7c, 0x5c, 0x2f, 0x3a, 0x3b, 0x5b, 0x5d, 0x3c, 0x3e, 0x5f]);
