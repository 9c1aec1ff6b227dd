import { retrieve } from '@headroom/ccr';
import type { Store } from '@headroom/core';

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The answer appears in the text (runs of whitespace compared as one space). */
export function isVisible(text: string, answer: string): boolean {
  return collapse(text).includes(collapse(answer));
}

/**
 * Retained when the answer is visible in what the model reads; recoverable when a retrieve call
 * with the question as its query returns it; lost otherwise.
 */
export async function answerStatus(
  compressed: string,
  answers: readonly string[],
  store: Store,
  keys: readonly string[],
  question: string,
): Promise<'retained' | 'recoverable' | 'lost'> {
  if (answers.some((a) => isVisible(compressed, a))) return 'retained';
  for (const key of keys) {
    const back = await retrieve(store, key, { query: question });
    if (answers.some((a) => isVisible(back.text, a))) return 'recoverable';
  }
  return 'lost';
}
