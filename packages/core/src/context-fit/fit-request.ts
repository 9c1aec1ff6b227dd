import { DIALECTS } from '../dialects/registry.js';
import { contentKeyInTurns } from '../hash/content-key.js';
import { sha256Hex } from '../hash/sha256.js';
import type { FirstSightMemory } from '../pipeline/first-sight-cache.js';
import { looksLikeData } from '../policy/looks-like-data.js';
import { spliceJsonText } from '../request/json-splice.js';
import type { Segment, WireFormat } from '../request/segment.js';
import type { Store } from '../store/store.js';
import { measureTokensInTurns, type Tokenizer } from '../tokenizer/tokenizer.js';

/**
 * Folds a tool output down to what must stay (its first and last lines, errors, summaries), every
 * omission marked with its exact count and `key` (the original's CCR key, when it is stored).
 */
export type FoldToFit = (original: string, key: string | undefined) => string;

export interface FitOptions {
  /** Tokens the prompt may hold: the window less the reply's room and a margin. */
  readonly budget: number;
  readonly tokenizer: Tokenizer;
  readonly fold: FoldToFit;
  /** Where the folded outputs' originals are kept, under the keys their markers carry. */
  readonly store?: Store;
  /** Where each fold is remembered, so every later turn sends the same bytes. */
  readonly firstSight: FirstSightMemory;
  /**
   * Apply the folds remembered for this request's outputs even when it fits without them: its
   * session was fitted before, and its history must go out as it went then.
   */
  readonly fitted?: boolean;
}

export interface FitResult {
  /** The request's JSON text, fitted (or as it came). */
  readonly text: string;
  readonly tokensAfter: number;
  /** Outputs folded by this request for the first time. */
  readonly folded: number;
  /** Outputs given the fold an earlier request made of them. */
  readonly refolded: number;
  /** Whether the prompt is within the budget now. */
  readonly fits: boolean;
}

/** Outputs smaller than this are left alone: folding them frees too little to be worth a marker. */
const MIN_FOLD_TOKENS = 64;
/**
 * Folding goes on to this share of the budget, not just under it: the next turns then fit as they
 * grow, and the prompt cache pays for one rewrite of the history every several turns rather than
 * one every turn.
 */
const FIT_TARGET = 0.7;

/**
 * Makes a request that would overflow its model's window fit, instead of letting the provider
 * reject it: the tool outputs of earlier turns (and observations sent as user messages that read
 * as data, never the user's own words) — the oldest first and, within a turn, the largest —
 * are folded to what must stay (see `FoldToFit`), each original kept in the store under the key
 * its marker carries, until the prompt is well within `budget` (70% of it, so the turns that
 * follow fit without another rewrite). The newest turn is never folded.
 *
 * History is rewritten only here, where the alternative is an error, and each fold is remembered
 * by its original's content: a later request of the session gets the same fold for the same
 * output (byte-stable, so the prompt cache holds after the one rewrite), and so does another
 * replica sharing the first sights.
 *
 * `original` is the request as the client sent it (where the originals are read), `text` the JSON
 * text about to go upstream (compressed: the same paths, possibly shorter strings), `tokens` its size.
 */
export async function fitRequest(
  text: string,
  original: Record<string, unknown>,
  format: WireFormat,
  tokens: number,
  options: FitOptions,
): Promise<FitResult> {
  const over = tokens > options.budget;
  if (!over && !options.fitted) return { text, tokensAfter: tokens, folded: 0, refolded: 0, fits: true };
  const dialect = DIALECTS[format];
  const originals = dialect.parse(original).segments;
  const sent = new Map(dialect.parse(JSON.parse(text)).segments.map((s) => [JSON.stringify(s.path), s.text]));
  const newest = Math.max(...originals.map((s) => s.message));
  // The oldest turn first; within one, the largest output first.
  // Tool outputs, and the observations many agents send as user messages (data, not the user's words).
  const foldable = (s: Segment) =>
    s.kind === 'tool-result' || (s.role === 'user' && s.kind === 'text' && looksLikeData(s.text));
  const candidates = originals
    .filter((s) => foldable(s) && s.message < newest && !s.flags.retrieved)
    .sort((a, b) => a.message - b.message || b.text.length - a.text.length);

  const edits: { path: Segment['path']; text: string }[] = [];
  let total = tokens;
  let folded = 0;
  let refolded = 0;
  const count = async (text: string) => (await measureTokensInTurns(options.tokenizer, text)).tokens;
  const replace = async (segment: Segment, currentTokens: number, next: string) => {
    const saved = currentTokens - (await count(next));
    if (saved <= 0) return false;
    edits.push({ path: segment.path, text: next });
    total -= saved;
    return true;
  };

  const pending: { segment: Segment; current: string; key: string; sightKey: string }[] = [];
  for (const segment of candidates) {
    const current = sent.get(JSON.stringify(segment.path)) ?? segment.text;
    const key = await contentKeyInTurns(segment.text);
    const sightKey = sha256Hex(`fit\u0000${key}`);
    // Every fold made before is made again, fitting or not: the history goes out as it went.
    const remembered = await options.firstSight.get(sightKey);
    if (remembered) {
      if (await replace(segment, await count(current), remembered.text)) refolded++;
    } else pending.push({ segment, current, key, sightKey });
  }

  const target = total > options.budget ? options.budget * FIT_TARGET : options.budget;
  for (const { segment, current, key, sightKey } of pending) {
    if (total <= target) break;
    const currentTokens = await count(current);
    if (currentTokens < MIN_FOLD_TOKENS) continue;
    const stored = await keep(options.store, segment, key, options.tokenizer);
    const fold = { text: options.fold(segment.text, stored ? key : undefined) };
    // Another replica may have folded this output first: its fold is the one sent.
    const kept = (await options.firstSight.set(sightKey, fold)) ?? fold;
    if (await replace(segment, currentTokens, kept.text)) folded++;
  }

  const out = edits.length ? (spliceJsonText(text, edits, { valid: true }) ?? text) : text;
  return { text: out, tokensAfter: out === text ? tokens : total, folded, refolded, fits: total <= options.budget };
}

/** Keeps a folded output's original, so its marker's key gives it back; false without a store or when it fails. */
async function keep(store: Store | undefined, segment: Segment, key: string, tokenizer: Tokenizer): Promise<boolean> {
  if (!store) return false;
  try {
    await store.put({
      key,
      original: segment.text,
      contentType: 'text',
      ...(segment.toolName !== undefined ? { toolName: segment.toolName } : {}),
      tokens: (await measureTokensInTurns(tokenizer, segment.text)).tokens,
    });
    return true;
  } catch {
    return false;
  }
}
