import { type ContentDetector, type ContentType, detectBasicContentType } from '../content/content-type.js';
import { InvalidOptionError } from '../errors/headroom-error.js';
import { contentKeyInTurns } from '../hash/content-key.js';
import { sha256Hex } from '../hash/sha256.js';
import { parseMarkers } from '../markers/marker.js';
import { type CompressionPolicy, DEFAULT_POLICY, policySkipReason, type SkipReason } from '../policy/policy.js';
import type { Segment } from '../request/segment.js';
import type { Store } from '../store/store.js';
import { measureTokensInTurns, type Tokenizer } from '../tokenizer/tokenizer.js';
import type { Transform } from '../transform/transform.js';
import type { PipelineEvent, SegmentReport } from './events.js';
import { type FirstSight, type FirstSightMemory, sharedFirstSightCache } from './first-sight-cache.js';

export interface PipelineOptions {
  /** Transforms in priority order; each segment goes to the first one that takes its content type. */
  readonly transforms: readonly Transform[];
  /** Assigns content types. Defaults to core's JSON-or-text detector. */
  readonly detect?: ContentDetector;
  readonly policy?: Partial<CompressionPolicy>;
  /**
   * A safety valve per transform per segment, well above normal cost: this many milliseconds for
   * every started MiB of the segment (deterministic compressors cost about 0.2 s per
   * MiB, so a 20 MB log gets 40 s, not the 2 s that would cut it on a busy machine). A segment
   * past it passes through, and that first answer is final for the session (first sights), so a
   * deadline miss never makes a later request's history differ from what was sent. Default 2,000 ms.
   */
  readonly deadlineMs?: number;
  /** Milliseconds from some origin, for judging lateness. Default `performance.now`; tests pass their own. */
  readonly clock?: () => number;
  /**
   * Where originals of lossy segments go. Giving a store means a retrieval path exists:
   * markers then carry keys. Without one, omissions are still counted but carry no key.
   */
  readonly store?: Store;
  /** Remembers first outputs for cache safety. Defaults to one cache per process. */
  readonly firstSight?: FirstSightMemory;
  readonly onEvent?: (event: PipelineEvent) => void;
}

export interface PipelineRun {
  /** New text per changed segment index. Unchanged segments are absent. */
  readonly replacements: ReadonlyMap<number, string>;
  readonly reports: readonly SegmentReport[];
  readonly ccrKeys: readonly string[];
  readonly tokensBefore: number;
  readonly tokensAfter: number;
}

export interface Pipeline {
  run(segments: readonly Segment[], tokenizer: Tokenizer): Promise<PipelineRun>;
}

const DEFAULT_DEADLINE_MS = 2000;
const MIB = 1024 * 1024;

/**
 * Routes each segment to a transform by content type and enforces the promises around it:
 * policy skips, the deadline, never-worse (a segment that would not shrink passes through
 * byte for byte), first-sight stability and storage of originals.
 *
 * @example
 * const pipeline = createPipeline({ transforms: [createJsonMinify()] })
 * const run = await pipeline.run(view.segments, await getTokenizer(view.model))
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const policy: CompressionPolicy = { ...DEFAULT_POLICY, ...options.policy };
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const clock = options.clock ?? (() => performance.now());
  if (!(deadlineMs > 0))
    throw new InvalidOptionError(`deadlineMs must be a positive number of milliseconds (got ${deadlineMs})`);
  const detect = options.detect ?? detectBasicContentType;
  const firstSight = options.firstSight ?? sharedFirstSightCache;
  const emit = (event: PipelineEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's bug must never break compression.
    }
  };

  const route = (contentType: ContentType) => options.transforms.find((t) => t.contentTypes.includes(contentType));

  async function runSegment(segment: Segment, tokenizer: Tokenizer): Promise<{ text: string; report: SegmentReport }> {
    const started = now();
    // Large texts are counted and hashed in slices, so a server keeps answering meanwhile.
    const measured = await measureTokensInTurns(tokenizer, segment.text);
    const tokensBefore = measured.tokens;
    const contentType: ContentType = segment.kind === 'tool-schema' ? 'tool-schema' : safeDetect(detect, segment.text);
    const transform = route(contentType);
    const base = {
      segment: segment.index,
      name: transform?.name ?? 'none',
      contentType,
      tokensBefore,
      ...(measured.estimate ? { estimate: true as const } : {}),
    };
    const passThrough = (skipped: SkipReason, cached?: boolean) => ({
      text: segment.text,
      report: { ...base, tokensAfter: tokensBefore, ms: elapsed(started), skipped, ...(cached ? { cached } : {}) },
    });

    const policySkip = policySkipReason(segment, tokensBefore, policy);
    if (policySkip) return passThrough(policySkip);
    if (!transform) return passThrough('no-transform');

    // One pass over the text: its content key serves both the store and the first-sight cache.
    const textKey = await contentKeyInTurns(segment.text);
    const retrievalKey = options.store ? textKey : undefined;
    // Keyed by content alone, not by the query: the same text must come out in the same bytes
    // wherever it is resent — a resumed session, a WebSocket turn that carries only new items (so
    // less context), a client that trims its history — or the provider's cache is lost. The query
    // of the first sight decides, as promised.
    const sightKey = sha256Hex(
      `${transform.name}@${transform.version}\u0000${retrievalKey ? 'ccr' : ''}\u0000${textKey}`,
    );
    let remembered: FirstSight | undefined;
    try {
      remembered = await firstSight.get(sightKey);
    } catch (error) {
      emit({ type: 'storage-failed', what: 'first-sight', error });
      return passThrough('storage-unavailable');
    }
    let outcome: FirstSight;
    if (remembered) outcome = remembered;
    else {
      outcome = await applyTransform(transform, segment, contentType, tokenizer, retrievalKey, tokensBefore);
      // The original is kept before the first sight is recorded: a form with a key is never
      // remembered (nor sent) unless its original can be retrieved.
      if (
        !outcome.skipped &&
        hasKey(outcome.text, retrievalKey) &&
        !(await keep(segment, contentType, tokensBefore, retrievalKey))
      ) {
        return passThrough('storage-unavailable');
      }
      try {
        // Another process sharing the memory may have seen the segment first: its form wins.
        outcome = (await firstSight.set(sightKey, outcome)) ?? outcome;
      } catch (error) {
        emit({ type: 'storage-failed', what: 'first-sight', error });
        return passThrough('storage-unavailable');
      }
    }
    if (outcome.skipped) return passThrough(outcome.skipped, remembered !== undefined);

    const text = outcome.text;
    let ccrKey: string | undefined;
    if (hasKey(text, retrievalKey)) {
      // Stored at first sight; storing again restarts its retention. A remembered form is sent as it
      // was even if this refresh fails: changing its bytes would cost the prompt cache.
      if (remembered) await keep(segment, contentType, tokensBefore, retrievalKey);
      ccrKey = retrievalKey;
    }
    const tokensAfter = (await measureTokensInTurns(tokenizer, text)).tokens;
    if (tokensAfter >= tokensBefore) return passThrough('no-saving');
    return {
      text,
      report: {
        ...base,
        ...(outcome.via ? { name: outcome.via } : {}),
        tokensAfter,
        ms: elapsed(started),
        ...(ccrKey ? { ccrKey } : {}),
        ...(remembered ? { cached: true } : {}),
      },
    };
  }

  /** Puts a segment's original in the store; false (and an event) when the store failed. */
  async function keep(
    segment: Segment,
    contentType: ContentType,
    tokens: number,
    key: string | undefined,
  ): Promise<boolean> {
    if (!options.store || !key) return false;
    try {
      await options.store.put({
        key,
        original: segment.text,
        contentType,
        ...(segment.toolName !== undefined ? { toolName: segment.toolName } : {}),
        tokens,
      });
      return true;
    } catch (error) {
      emit({ type: 'store-failed', key, error });
      return false;
    }
  }

  async function applyTransform(
    transform: Transform,
    segment: Segment,
    contentType: ContentType,
    tokenizer: Tokenizer,
    retrievalKey: string | undefined,
    tokensBefore: number,
  ): Promise<FirstSight> {
    const controller = new AbortController();
    const started = clock();
    const budget = deadlineMs * Math.max(1, Math.ceil(segment.text.length / MIB));
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const input = {
        text: segment.text,
        contentType,
        query: segment.query,
        ...(segment.toolName !== undefined ? { toolName: segment.toolName } : {}),
      };
      const context = { tokenizer, signal: controller.signal, ...(retrievalKey ? { retrievalKey } : {}) };
      const pending = Promise.resolve(transform.compress(input, context));
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), budget);
      });
      const result = await Promise.race([pending, late]);
      // A synchronous transform cannot be interrupted, so its lateness is judged afterwards.
      if (result === 'late' || clock() - started > budget) {
        controller.abort();
        return { text: segment.text, skipped: 'deadline' };
      }
      if (typeof result?.text !== 'string') throw new TypeError(`${transform.name} returned no text`);
      if (result.text === segment.text || (await measureTokensInTurns(tokenizer, result.text)).tokens >= tokensBefore) {
        return { text: segment.text, skipped: 'no-saving' };
      }
      return { text: result.text, ...(result.via ? { via: result.via } : {}) };
    } catch (error) {
      emit({ type: 'transform-failed', name: transform.name, segment: segment.index, error });
      return { text: segment.text, skipped: 'error' };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  return {
    async run(segments, tokenizer) {
      const started = now();
      const replacements = new Map<number, string>();
      const reports: SegmentReport[] = [];
      const ccrKeys = new Set<string>();
      let tokensBefore = 0;
      let tokensAfter = 0;
      for (const segment of segments) {
        const { text, report } = await runSegment(segment, tokenizer);
        if (text !== segment.text) replacements.set(segment.index, text);
        if (report.ccrKey) ccrKeys.add(report.ccrKey);
        reports.push(report);
        tokensBefore += report.tokensBefore;
        tokensAfter += report.tokensAfter;
        emit({ type: 'segment', report });
      }
      emit({ type: 'done', tokensBefore, tokensAfter, ms: elapsed(started) });
      return { replacements, reports, ccrKeys: [...ccrKeys], tokensBefore, tokensAfter };
    },
  };
}

function safeDetect(detect: ContentDetector, text: string): ContentType {
  try {
    return detect(text);
  } catch {
    return 'text';
  }
}

function now(): number {
  return performance.now();
}

function elapsed(started: number): number {
  return Math.round((now() - started) * 100) / 100;
}

/** Whether a compressed text carries markers with this retrieval key. */
function hasKey(text: string, key: string | undefined): key is string {
  return key !== undefined && parseMarkers(text).some((m) => m.key === key);
}
