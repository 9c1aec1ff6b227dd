import type { Segment } from '../request/segment.js';
import { looksLikeData } from './looks-like-data.js';

/**
 * What gets compressed. The defaults follow the product's promise: tool results and large
 * data-like blocks in user messages are compressed; the system prompt, the user's own prose
 * and the assistant's words are left exactly as written unless the caller opts in.
 */
export interface CompressionPolicy {
  /** Segments smaller than this many tokens are left alone (markers would cost more than they save). */
  readonly minTokens: number;
  readonly toolResults: boolean;
  /** Data-like blocks (JSON, logs, listings, …) inside user messages. */
  readonly userData: boolean;
  /** The user's own prose. */
  readonly userProse: boolean;
  readonly system: boolean;
  readonly assistant: boolean;
  /** Tool names whose results are never compressed. */
  readonly excludeTools: readonly string[];
  /**
   * Descriptions in the request's tool list (and of their parameters). Off by default. When on,
   * they are shortened deterministically, so the tool list is byte-stable from turn to turn.
   */
  readonly toolSchemas: boolean;
}

export const DEFAULT_POLICY: CompressionPolicy = {
  minTokens: 300,
  toolResults: true,
  userData: true,
  userProse: false,
  system: false,
  assistant: false,
  excludeTools: [],
  toolSchemas: false,
};

/**
 * Why a segment was left alone. Stable strings: scripts read them from `transforms[].skipped`.
 * - `below-threshold`: fewer tokens than `minTokens`;
 * - `protected`: the wire format requires the text to stay exact (e.g. a cited document);
 * - `tool-schema`: tool descriptions are left alone unless `toolSchemas` is on;
 * - `system-prompt`, `user-prose`, `assistant-text`: not compressed by the policy;
 * - `excluded-tool`: the tool is in `excludeTools`;
 * - `already-compressed`: the text already carries Headroom markers;
 * - `retrieved`: content a retrieve call returned;
 * - `already-sent`: went upstream uncompressed earlier in the session (rewriting it busts the cache);
 * - `no-transform`: no transform handles its content type;
 * - `no-saving`: compression would not make it smaller;
 * - `deadline`: the transform ran past its deadline;
 * - `error`: the transform threw; the text passed through;
 * - `binary`: the input is not valid UTF-8 text; it passed through byte for byte;
 * - `storage-unavailable`: the store of originals or of first sights did not answer (a Redis that is
 *   down): the text passed through uncompressed — never compressed without a retrievable original —
 *   and is compressed when storage answers again.
 */
export type SkipReason =
  | 'below-threshold'
  | 'protected'
  | 'tool-schema'
  | 'system-prompt'
  | 'user-prose'
  | 'assistant-text'
  | 'excluded-tool'
  | 'already-compressed'
  | 'retrieved'
  | 'already-sent'
  | 'no-transform'
  | 'no-saving'
  | 'deadline'
  | 'error'
  | 'binary'
  | 'storage-unavailable';

/**
 * Decides, before any transform runs, whether a segment may be compressed. Returns the skip
 * reason, or `undefined` when it may. `tokens` is the segment's token count.
 */
export function policySkipReason(segment: Segment, tokens: number, policy: CompressionPolicy): SkipReason | undefined {
  const { flags } = segment;
  if (segment.kind === 'tool-schema') {
    // Descriptions are short; the token threshold is for outputs, not for them.
    return policy.toolSchemas ? undefined : 'tool-schema';
  }
  if (flags.retrieved) return 'retrieved';
  if (flags.protected) return 'protected';
  if (flags.alreadySent) return 'already-sent';
  if (flags.alreadyCompressed) return 'already-compressed';
  if (segment.kind === 'tool-result') {
    if (!policy.toolResults) return 'excluded-tool';
    if (segment.toolName !== undefined && policy.excludeTools.includes(segment.toolName)) return 'excluded-tool';
  } else if (segment.role === 'system' && !policy.system) return 'system-prompt';
  else if (segment.role === 'assistant' && !policy.assistant) return 'assistant-text';
  if (tokens < policy.minTokens) return 'below-threshold';
  if (segment.role === 'user' && segment.kind === 'text' && !policy.userProse) {
    if (!policy.userData || !looksLikeData(segment.text)) return 'user-prose';
  }
  return undefined;
}
