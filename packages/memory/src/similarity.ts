import { createHash } from 'node:crypto';

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, lowercased and without accents: what "the same statement" is compared on. */
export function words(text: string): string[] {
  return (text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .match(WORD) ?? []) as string[];
}

/**
 * Whitespace collapsed and trimmed: two saves that differ only in spacing are the same memory.
 * Anything else (case, punctuation, wording) makes a different text, judged by `similarity`.
 */
export function exactForm(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Identifies a memory in its place: the same text saved twice in one scope is stored once. */
export function fingerprint(text: string, place: string): string {
  return createHash('sha256')
    .update(`${place}\u0000${exactForm(text)}`)
    .digest('hex');
}

/**
 * Dice coefficient of the two texts' word multisets (0–1): 1 for the same words in any order,
 * about 0.9 when one word in ten differs.
 */
export function similarity(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  if (!left.length || !right.length) return left.length === right.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const w of left) counts.set(w, (counts.get(w) ?? 0) + 1);
  let shared = 0;
  for (const w of right) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      shared++;
      counts.set(w, n - 1);
    }
  }
  return (2 * shared) / (left.length + right.length);
}

/**
 * The words that name something specific: any with a digit (ports, versions, ids) and any
 * written with a capital past the first word (names, identifiers). Two statements that differ
 * in these are about different things — "service A runs on 4010" and "service B runs on 4010" —
 * however alike the rest of their wording.
 */
export function specifics(text: string): Set<string> {
  const found = new Set<string>();
  const tokens =
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .match(/[\p{L}\p{N}_.:/-]+/gu) ?? [];
  tokens.forEach((token, i) => {
    const word = token.replace(/^[.:/-]+|[.:/-]+$/g, '');
    if (!word) return;
    if (/\d/.test(word) || (i > 0 && /\p{Lu}/u.test(word))) found.add(word.toLowerCase());
  });
  return found;
}

/** Near-duplicates merge: alike in wording (`similarity`) and naming exactly the same specifics. */
export function isNearDuplicate(a: string, b: string, threshold: number): boolean {
  if (similarity(a, b) < threshold) return false;
  const left = specifics(a);
  const right = specifics(b);
  return left.size === right.size && [...left].every((w) => right.has(w));
}
