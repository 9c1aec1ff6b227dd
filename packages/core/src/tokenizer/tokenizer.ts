import { nextTurn, safeCut } from '../async/next-turn.js';
import { BytePairCounter } from './byte-pair-counter.js';
import { loadVocabulary } from './vocabulary.js';

/**
 * Counts tokens the way a model's provider does. `estimate` is true when no exact offline
 * tokenizer exists for the model (Claude): counts are then o200k_base figures, labelled so.
 */
export interface Tokenizer {
  /** `o200k_base` or `cl100k_base`. */
  readonly encoding: TokenizerEncoding;
  readonly estimate: boolean;
  count(text: string): number;
  /** Records a count found another way (a text counted in slices), so counting it whole is a lookup. */
  remember?(text: string, tokens: number): void;
}

export type TokenizerEncoding = 'o200k_base' | 'cl100k_base';

type CountFn = (text: string) => number;

/** Models on cl100k_base; everything newer from OpenAI (gpt-4o, 4.1, 5, o-series) is o200k_base. */
const CL100K_MODEL = /^(gpt-4(?!o|\.)|gpt-3\.5|text-embedding-(ada|3)|text-davinci|davinci-002|babbage-002)/;
const ESTIMATED_MODEL = /^(claude|anthropic\.|us\.anthropic\.)/;

/** Which encoding a model uses and whether counts for it are estimates. */
export function encodingForModel(model: string | undefined): { encoding: TokenizerEncoding; estimate: boolean } {
  const name = (model ?? '').toLowerCase().replace(/^(openai|azure)\//, '');
  if (CL100K_MODEL.test(name)) return { encoding: 'cl100k_base', estimate: false };
  // No offline tokenizer matches Claude 3+; o200k is the closest public vocabulary.
  return { encoding: 'o200k_base', estimate: ESTIMATED_MODEL.test(name) || name.includes('claude') };
}

const loaded = new Map<TokenizerEncoding, Promise<CountFn>>();

function loadEncoding(encoding: TokenizerEncoding): Promise<CountFn> {
  let fn = loaded.get(encoding);
  if (!fn) {
    // Loaded on first use, from the vocabulary file written at build time (a few ms); special-token
    // text inside tool output is counted as the plain text it is, never rejected.
    fn = Promise.all([loadVocabulary(encoding), import('gpt-tokenizer/encodingParams/constants')]).then(
      ([vocabulary, patterns]) => {
        const split = encoding === 'cl100k_base' ? patterns.CL100K_TOKEN_SPLIT_REGEX : patterns.O200K_TOKEN_SPLIT_REGEX;
        const counter = new BytePairCounter(vocabulary, split);
        return boundedCount((text: string) => counter.count(text));
      },
    );
    loaded.set(encoding, fn);
  }
  return fn;
}

/**
 * A token counter for `model` (default o200k_base). Results are memoised in a bounded LRU so
 * counting the same string twice costs a hash lookup, not a second tokenizer pass.
 *
 * @example
 * const tok = await getTokenizer('claude-sonnet-4-5') // tok.estimate === true
 * tok.count('hello world') // → 2
 */
export async function getTokenizer(model?: string): Promise<Tokenizer> {
  const { encoding, estimate } = encodingForModel(model);
  const cacheKey = `${encoding}:${estimate}`;
  let tokenizer = tokenizers.get(cacheKey);
  if (!tokenizer) {
    tokenizer = new MemoizedTokenizer(encoding, estimate, await loadEncoding(encoding));
    tokenizers.set(cacheKey, tokenizer);
  }
  return tokenizer;
}

const tokenizers = new Map<string, Tokenizer>();

/** Unbroken runs longer than this are counted in slices of this size. */
const LONG_RUN = 1000;

/**
 * BPE merging is quadratic in the length of one pre-token, so a 200 kB run of letters (a
 * minified bundle, a blob) would take tens of seconds. Such runs are counted in 1,000-char
 * slices instead: exact everywhere else, and within a token or two per slice inside them.
 * Runs are found with a plain character scan: a regular expression over a multi-megabyte run
 * would overflow the stack.
 */
function boundedCount(count: CountFn): CountFn {
  return (text) => {
    if (text.length <= LONG_RUN) return count(text);
    let total = 0;
    let from = 0; // start of the text not yet counted
    let runStart = 0;
    const flushRun = (end: number) => {
      if (end - runStart <= LONG_RUN) return;
      if (runStart > from) total += count(text.slice(from, runStart));
      for (let i = runStart; i < end; i += LONG_RUN) total += count(text.slice(i, Math.min(i + LONG_RUN, end)));
      from = end;
    };
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
        flushRun(i);
        runStart = i + 1;
      }
    }
    flushRun(text.length);
    return from === 0 ? count(text) : total + (from < text.length ? count(text.slice(from)) : 0);
  };
}

/** Strings shorter than this are cheaper to re-count than to remember. */
const MEMO_MIN_CHARS = 64;
/** Upper bound on the characters held as memo keys (~64 MB of UTF-16). */
const MEMO_MAX_CHARS = 32 * 1024 * 1024;

class MemoizedTokenizer implements Tokenizer {
  private readonly memo = new Map<string, number>();
  private memoChars = 0;

  constructor(
    readonly encoding: TokenizerEncoding,
    readonly estimate: boolean,
    private readonly countFn: CountFn,
  ) {}

  count(text: string): number {
    if (text.length < MEMO_MIN_CHARS) return this.countFn(text);
    const hit = this.memo.get(text);
    if (hit !== undefined) {
      // Re-insert so the Map's insertion order doubles as recency order.
      this.memo.delete(text);
      this.memo.set(text, hit);
      return hit;
    }
    const n = this.countFn(text);
    this.remember(text, n);
    return n;
  }

  remember(text: string, tokens: number): void {
    if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS || this.memo.has(text)) return;
    this.memo.set(text, tokens);
    this.memoChars += text.length;
    for (const key of this.memo.keys()) {
      if (this.memoChars <= MEMO_MAX_CHARS) break;
      this.memo.delete(key);
      this.memoChars -= key.length;
    }
  }
}

/** Above this many characters a count is a sampled estimate, labelled so, instead of a full pass. */
export const EXACT_COUNT_LIMIT = 4_000_000;
const SAMPLE_WINDOWS = 32;
const SAMPLE_CHARS = 32_768;

/**
 * Tokens of `text`: exact up to `EXACT_COUNT_LIMIT` characters; beyond, the token density of 32
 * evenly spaced 32 k-character windows scaled to the whole text (deterministic, about 1 MB of
 * tokenizer work however large the input) and `estimate: true`.
 */
export function measureTokens(tokenizer: Tokenizer, text: string): { tokens: number; estimate: boolean } {
  if (text.length <= EXACT_COUNT_LIMIT) return { tokens: tokenizer.count(text), estimate: false };
  let tokens = 0;
  for (const window of sampleWindows(text)) tokens += tokenizer.count(window);
  return scaledSample(text, tokens);
}

/** Characters counted per turn of the event loop (about 5-15 ms of tokenizer work). */
const COUNT_SLICE = 32 * 1024;

/**
 * `measureTokens` for a large text, counted in slices with a turn of the event loop between
 * them, so a server keeps answering meanwhile. Slices are cut where the tokenizer itself splits
 * (after a line break, before a word's space), so the sum is the whole text's count; a text
 * with neither for 32 k characters is cut where it must, within a token per cut.
 */
export async function measureTokensInTurns(
  tokenizer: Tokenizer,
  text: string,
): Promise<{ tokens: number; estimate: boolean }> {
  if (text.length <= COUNT_SLICE) return measureTokens(tokenizer, text);
  let tokens = 0;
  if (text.length > EXACT_COUNT_LIMIT) {
    for (const window of sampleWindows(text)) {
      tokens += tokenizer.count(window);
      await nextTurn();
    }
    return scaledSample(text, tokens);
  }
  for (let at = 0; at < text.length; ) {
    const end = tokenBoundary(text, at, at + COUNT_SLICE);
    tokens += tokenizer.count(text.slice(at, end));
    at = end;
    await nextTurn();
  }
  tokenizer.remember?.(text, tokens);
  return { tokens, estimate: false };
}

/** The sampled windows' tokens scaled to the whole text, labelled an estimate. */
function scaledSample(text: string, tokens: number): { tokens: number; estimate: boolean } {
  return { tokens: Math.round((text.length * tokens) / (SAMPLE_WINDOWS * SAMPLE_CHARS)), estimate: true };
}

/** 32 evenly spaced windows of `SAMPLE_CHARS`, the same for the same text. */
function* sampleWindows(text: string): Generator<string> {
  for (let k = 0; k < SAMPLE_WINDOWS; k++) {
    const start = Math.floor((k * (text.length - SAMPLE_CHARS)) / (SAMPLE_WINDOWS - 1));
    yield text.slice(start, start + SAMPLE_CHARS);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/**
 * An end for a slice of `text` from `from`, at or before `limit`: just after a line break that a
 * non-space follows, else just before a single space between two non-spaces — places where
 * o200k and cl100k pre-tokenisation always splits — else `limit` itself.
 */
function tokenBoundary(text: string, from: number, limit: number): number {
  if (limit >= text.length) return text.length;
  for (let k = text.lastIndexOf('\n', limit - 1); k > from; k = text.lastIndexOf('\n', k - 1))
    if (!isSpace(text.charCodeAt(k + 1))) return k + 1;
  for (let k = text.lastIndexOf(' ', limit - 1); k > from + 1; k = text.lastIndexOf(' ', k - 1))
    if (!isSpace(text.charCodeAt(k - 1)) && !isSpace(text.charCodeAt(k + 1))) return k;
  return safeCut(text, limit);
}
