import type { ContentType } from '../content/content-type.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

/**
 * A compressor for one or more content types. Five members, versioned by a literal so the
 * contract can grow without breaking existing transforms.
 *
 * Rules every transform follows (checked by `@headroom/core/testing`):
 * - deterministic: the output depends only on `input` (no clocks, no randomness);
 * - idempotent: compressing its own output changes nothing;
 * - faithful: kept text is verbatim; every omission is an exact `formatMarker(...)` marker;
 * - must-keep content (errors, warnings, summaries, query matches, first and last items) stays.
 * The pipeline enforces never-worse and the deadline around it.
 *
 * @example
 * const upper: Transform = {
 *   specificationVersion: 'v1',
 *   name: 'trim-trailing-space',
 *   version: '1',
 *   contentTypes: ['log', 'text'],
 *   compress: ({ text }) => ({ text: text.replace(/[ \t]+$/gm, '') }),
 * }
 */
export interface Transform {
  readonly specificationVersion: 'v1';
  /** Stable kebab-case name, as reported in `transforms[].name`. */
  readonly name: string;
  /** Bumped whenever the output for some input changes (it keys the first-sight cache). */
  readonly version: string;
  readonly contentTypes: readonly ContentType[];
  compress(input: TransformInput, context: TransformContext): TransformResult | Promise<TransformResult>;
}

export interface TransformInput {
  readonly text: string;
  readonly contentType: ContentType;
  /** What the agent was after; items matching it must stay visible. May be empty. */
  readonly query: string;
  readonly toolName?: string;
}

export interface TransformContext {
  readonly tokenizer: Tokenizer;
  /**
   * The CCR key of this segment's original, present only when a retrieval path exists.
   * Pass it to `formatMarker` so the model can get omitted content back.
   */
  readonly retrievalKey?: string;
  /** Aborted when the deadline passes; long-running transforms should check it. */
  readonly signal: AbortSignal;
}

export interface TransformResult {
  readonly text: string;
  /**
   * The transform that produced `text`, when this one handed the work to another (Kompress falls
   * back to the extractive prose compressor without a model or past its deadline). Reported as
   * the segment's transform name, so the figures say what really ran.
   */
  readonly via?: string;
}
