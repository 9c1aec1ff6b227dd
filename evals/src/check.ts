import { retrieve } from '@headroom/ccr';
import { getTokenizer, queryAnchors, type Store } from '@headroom/core';

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

/** How a case came out when it was compressed without its question (`tool-qa --no-query`). */
export interface BlindOutcome {
  readonly status: 'retained' | 'recoverable' | 'lost';
  /** Not visible, and a retrieve with the question as its query returned it. */
  readonly byQuestion: boolean;
  /** Not visible, and a retrieve with one identifier of the question as its query returned it. */
  readonly byIdentifier: boolean;
  /** Tokens of what the retrieve with the question returned (0 when nothing had to be retrieved). */
  readonly retrievedTokens: number;
  /** Where the answer starts in that text, in tokens. */
  readonly answerAtToken?: number;
}

/**
 * The one identifier a model would most likely ask for by itself: the question's longest anchor
 * (quoted text, a path, a hash, a number, a dotted or snake_case name), else its longest word.
 */
export function identifierOf(question: string): string {
  const anchor = queryAnchors(question)[0];
  if (anchor) return anchor;
  return [...question.matchAll(/[\p{L}\p{N}_-]+/gu)].map((m) => m[0]).sort((a, b) => b.length - a.length)[0] ?? '';
}

/**
 * Whether an answer stays visible, or comes back through a retrieve — with the question as the
 * query, or with only one identifier of it — when the content was compressed without the question.
 */
export async function blindStatus(
  compressed: string,
  answer: string,
  store: Store,
  keys: readonly string[],
  question: string,
): Promise<BlindOutcome> {
  if (isVisible(compressed, answer))
    return { status: 'retained', byQuestion: false, byIdentifier: false, retrievedTokens: 0 };
  const tokenizer = await getTokenizer('gpt-4o');
  let byQuestion = false;
  let byIdentifier = false;
  let retrievedTokens = 0;
  let answerAtToken: number | undefined;
  for (const key of keys) {
    const back = (await retrieve(store, key, { query: question })).text;
    retrievedTokens += tokenizer.count(back);
    const at = collapse(back).indexOf(collapse(answer));
    if (at >= 0 && !byQuestion) {
      byQuestion = true;
      answerAtToken = tokenizer.count(collapse(back).slice(0, at));
    }
    if (isVisible((await retrieve(store, key, { query: identifierOf(question) })).text, answer)) byIdentifier = true;
  }
  return {
    status: byQuestion || byIdentifier ? 'recoverable' : 'lost',
    byQuestion,
    byIdentifier,
    retrievedTokens,
    ...(answerAtToken !== undefined ? { answerAtToken } : {}),
  };
}
