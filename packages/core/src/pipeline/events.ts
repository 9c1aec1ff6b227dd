import type { ContentType } from '../content/content-type.js';
import type { SkipReason } from '../policy/policy.js';

/** Figures for one segment, as reported in `transforms[]` of `compress --json`. */
export interface SegmentReport {
  /** The segment's index in the request. */
  readonly segment: number;
  /** The transform that handled (or would have handled) it; `none` when no transform takes its type. */
  readonly name: string;
  readonly contentType: ContentType;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly ms: number;
  /** Present when the segment passed through unchanged. */
  readonly skipped?: SkipReason;
  /** Present when the original was stored and its key appears in the output. */
  readonly ccrKey?: string;
  /** True when the segment was too large for an exact count and its figures are sampled estimates. */
  readonly estimate?: true;
  /** True when the output came from the first-sight cache rather than a fresh run. */
  readonly cached?: boolean;
}

/** Lifecycle events for observers (stats, logging). Observers must not throw. */
export type PipelineEvent =
  | { readonly type: 'segment'; readonly report: SegmentReport }
  | { readonly type: 'store-failed'; readonly key: string; readonly error: unknown }
  | { readonly type: 'storage-failed'; readonly what: 'first-sight'; readonly error: unknown }
  | { readonly type: 'transform-failed'; readonly name: string; readonly segment: number; readonly error: unknown }
  | { readonly type: 'done'; readonly tokensBefore: number; readonly tokensAfter: number; readonly ms: number };
