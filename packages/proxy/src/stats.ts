import type { FittedImage, FittedImages } from '@headroom/core';
import { type CounterIncrement, dayOf, sumInto } from './counters.js';
import {
  estimateOutputSavings,
  type OutputSavings,
  type OutputStratumKey,
  outputCounterNames,
} from './output-savings.js';
import { SessionRegister } from './session.js';

/**
 * Why a request to a compressed endpoint went upstream uncompressed:
 * - `bypass`: the client asked for it (`x-headroom-bypass: 1`);
 * - `not-json`: the body is not JSON (the upstream answers it in its own words);
 * - `not-a-request`: JSON without the format's essentials (say, no `messages` array);
 * - `compression-failed`: the compressors threw on it;
 * - `undecodable`: its content-encoding could not be decoded.
 */
export type PassThroughReason = 'bypass' | 'not-json' | 'not-a-request' | 'compression-failed' | 'undecodable';

/** What the proxy has done: this process since it started, or (with a counter store) every process that shares it. */
export interface ProxyStats {
  readonly requests: number;
  /** Conversations seen (by `x-headroom-session` or the hash of their opening; see `sessionOf`). */
  readonly sessions: number;
  readonly compressedRequests: number;
  /** Requests to the chat endpoints forwarded uncompressed, by reason. */
  readonly passedThrough: Readonly<Partial<Record<PassThroughReason, number>>>;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly byTransform: Readonly<
    Record<string, { readonly segments: number; readonly tokensBefore: number; readonly tokensAfter: number }>
  >;
  /** Upstream usage, read from replies and from the usage events of streams. */
  readonly inputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
  /** Output tokens the upstream reported. */
  readonly outputTokens: number;
  /** Inline images in requests, and their cost in input tokens by each provider's rule. */
  readonly images: number;
  readonly imageTokens: number;
  /** Images sent at the size their provider uses them (fewer bytes, the same tokens), and the bytes before and after. */
  readonly imagesResized: number;
  readonly imageBytesBefore: number;
  readonly imageBytesAfter: number;
  /** Images sent below their provider's size (over the token budget), their originals behind keys. */
  readonly imagesDownscaled: number;
  /** Images replaced by a note because the conversation already showed them. */
  readonly imageDuplicates: number;
  /** Input tokens the images cost less as sent than as they came (downscaled and duplicates). */
  readonly imageTokensSaved: number;
  /** Images sent as they came because they could not be read (`unreadable`) or decoded (`decode-failed`). */
  readonly imagesPassed: Readonly<Record<string, number>>;
  /** What output shaping saved, against a holdout or unshaped sessions (see `output-savings.ts`). */
  readonly outputShaping: OutputSavings;
  /** Milliseconds spent compressing, summed. */
  readonly compressionMs: number;
  /** Requests still over their model's window after fitting (see `fitRequest`); forwarded as they were. */
  readonly overflowRequests: number;
  /** `headroom_retrieve` rounds the proxy answered itself (each is one more upstream request). */
  readonly retrieveRounds: number;
  /** Estimated dollars not spent on input tokens, at list prices (see `prices.ts`); priced models only. */
  readonly estimatedSavedUsd: number;
  readonly recent: readonly RequestRecord[];
}

export interface RequestRecord {
  readonly at: number;
  readonly path: string;
  readonly status: number;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly compressionMs: number;
  /** The conversation the request belongs to, for the chat endpoints. */
  readonly session?: string;
  /** Each inline image: what was done to it, and its input tokens as it came and as it was sent. */
  readonly images?: readonly FittedImage[];
}

const RECENT = 50;

/** Sees one counter increment: who it is for, its name (as kept in the counters) and its value. */
export type StatsObserver = (labels: RequestLabels, name: string, value: number) => void;

/** Who a request's figures are counted for. */
export interface RequestLabels {
  readonly agent: string;
  readonly model: string;
}

/** Requests and tokens of one day, agent or model. */
export interface FiguresOf {
  readonly requests: number;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly estimatedSavedUsd: number;
}

/** Where the totals come from: this process alone, or the counters every process shares. */
export interface Breakdown {
  readonly byDay: Readonly<Record<string, FiguresOf>>;
  readonly byAgent: Readonly<Record<string, FiguresOf>>;
  readonly byModel: Readonly<Record<string, FiguresOf>>;
}

export const UNLABELLED: RequestLabels = { agent: 'unknown', model: 'unknown' };

/**
 * A running tally, kept as counters per day, agent and model (see `counters.ts`): everything this
 * process counted since it started, and what it has not yet written to a shared store
 * (`drain`). Bounded: the recent list keeps the last 50 requests.
 */
export class StatsTally {
  /** Sees every increment as it is counted (the Prometheus metrics mirror them). */
  observer?: StatsObserver;
  private readonly local = new Map<string, CounterIncrement>();
  private pending = new Map<string, CounterIncrement>();
  private readonly recent: RequestRecord[] = [];
  private readonly sessions = new SessionRegister();

  constructor(private readonly now: () => number = Date.now) {}

  private add(labels: RequestLabels, name: string, value: number): void {
    try {
      // Zeros too: a compression that took no measurable time is still one compression.
      this.observer?.(labels, name, value);
    } catch {
      // An observer's fault never loses a figure.
    }
    if (!value) return;
    const row = { day: dayOf(this.now()), agent: labels.agent, model: labels.model, name, value };
    sumInto(this.local, [row]);
    sumInto(this.pending, [row]);
  }

  recordCompression(
    labels: RequestLabels,
    figures: {
      tokensBefore: number;
      tokensAfter: number;
      ms: number;
      transforms: readonly { name: string; tokensBefore: number; tokensAfter: number; skipped?: string }[];
    },
    usdPerToken?: number,
  ): void {
    if (usdPerToken) this.add(labels, 'estimatedSavedUsd', (figures.tokensBefore - figures.tokensAfter) * usdPerToken);
    this.add(labels, 'compressedRequests', figures.tokensAfter < figures.tokensBefore ? 1 : 0);
    this.add(labels, 'tokensBefore', figures.tokensBefore);
    this.add(labels, 'tokensAfter', figures.tokensAfter);
    this.add(labels, 'tokensSaved', figures.tokensBefore - figures.tokensAfter);
    this.add(labels, 'compressionMs', figures.ms);
    for (const t of figures.transforms) {
      if (t.skipped) continue;
      this.add(labels, `transform.${t.name}.segments`, 1);
      this.add(labels, `transform.${t.name}.tokensBefore`, t.tokensBefore);
      this.add(labels, `transform.${t.name}.tokensAfter`, t.tokensAfter);
      this.add(labels, `transform.${t.name}.tokensSaved`, t.tokensBefore - t.tokensAfter);
    }
  }

  /** Whether this process has seen a request of `session` already. */
  knows(session: string): boolean {
    return this.sessions.has(session);
  }

  /**
   * `newToFleet`: false when another process sharing the first sights (a fleet's replica, or this
   * proxy before a restart) counted the conversation already.
   */
  recordRequest(labels: RequestLabels, record: RequestRecord, newToFleet = true): void {
    this.add(labels, 'requests', 1);
    // A conversation is counted once, by the process that first sees it.
    if (record.session && this.sessions.note(record.session) === 1 && newToFleet) this.add(labels, 'sessions', 1);
    this.recent.push(record);
    if (this.recent.length > RECENT) this.recent.shift();
  }

  recordPassThrough(labels: RequestLabels, reason: PassThroughReason): void {
    this.add(labels, `passedThrough.${reason}`, 1);
  }

  /** An upstream reply's status and how long its headers took; error statuses are counted by status. */
  recordUpstream(labels: RequestLabels, status: number, ms: number): void {
    if (status >= 400) this.add(labels, `upstreamErrors.${status}`, 1);
    this.upstreamObserver?.(status, ms);
  }

  /** Sees each upstream reply's status and latency (the Prometheus histogram). */
  upstreamObserver?: (status: number, ms: number) => void;

  /** The inline images a request carries, and what they cost in tokens at its provider. */
  recordImages(labels: RequestLabels, images: readonly { readonly tokens?: number }[]): void {
    if (!images.length) return;
    this.add(labels, 'images', images.length);
    this.add(
      labels,
      'imageTokens',
      images.reduce((sum, image) => sum + (image.tokens ?? 0), 0),
    );
  }

  /** Images sent smaller than they came (bytes before and after), and those left as they came, by reason. */
  recordImageFit(
    labels: RequestLabels,
    fitted: Pick<FittedImages, 'images' | 'resized' | 'bytesBefore' | 'bytesAfter' | 'passed'>,
  ): void {
    const count = (action: FittedImage['action']) => fitted.images.filter((image) => image.action === action).length;
    this.add(labels, 'imagesDownscaled', count('downscaled'));
    this.add(labels, 'imageDuplicates', count('duplicate'));
    this.add(
      labels,
      'imageTokensSaved',
      fitted.images.reduce((sum, image) => sum + image.tokensBefore - image.tokensAfter, 0),
    );
    this.add(labels, 'imagesResized', fitted.resized);
    this.add(labels, 'imageBytesBefore', fitted.bytesBefore);
    this.add(labels, 'imageBytesAfter', fitted.bytesAfter);
    for (const [reason, count] of Object.entries(fitted.passed)) this.add(labels, `imagesPassed.${reason}`, count);
  }

  /** A request that still exceeded its model's window after fitting (forwarded as it was). */
  recordOverflow(labels: RequestLabels): void {
    this.add(labels, 'overflowRequests', 1);
  }

  recordRetrieveRound(labels: RequestLabels): void {
    this.add(labels, 'retrieveRounds', 1);
  }

  /**
   * Reads usage from a JSON response body in any provider's shape (Gemini's `usageMetadata` too):
   * the prompt's figures, and the reply's output tokens — also in `output`'s stratum, for the
   * output-savings estimate. `part` reads one side only, for a stream that reports them apart.
   */
  recordUsage(labels: RequestLabels, body: unknown, output?: OutputStratumKey, part?: 'input' | 'output'): void {
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    const gemini = (body as { usageMetadata?: Record<string, unknown> } | undefined)?.usageMetadata;
    const usage = gemini ?? (body as { usage?: Record<string, unknown> } | undefined)?.usage;
    if (!usage) return;
    if (part !== 'output') {
      const details = usage.prompt_tokens_details as Record<string, unknown> | undefined;
      this.add(labels, 'inputTokens', n(usage.promptTokenCount) + n(usage.input_tokens) + n(usage.prompt_tokens));
      this.add(
        labels,
        'cacheReadTokens',
        n(usage.cachedContentTokenCount) + n(usage.cache_read_input_tokens) + n(details?.cached_tokens),
      );
      this.add(labels, 'cacheWriteTokens', n(usage.cache_creation_input_tokens));
    }
    if (part === 'input') return;
    const tokens = gemini
      ? n(gemini.candidatesTokenCount) + n(gemini.thoughtsTokenCount)
      : n(usage.output_tokens) + n(usage.completion_tokens);
    this.add(labels, 'outputTokens', tokens);
    if (!output || !tokens) return;
    const [count, sum, squares] = outputCounterNames(output.arm, output.turn, output.bucket);
    this.add(labels, count, 1);
    this.add(labels, sum, tokens);
    this.add(labels, squares, tokens * tokens);
  }

  /** The increments not yet written to a shared store; they are forgotten here once taken. */
  drain(): CounterIncrement[] {
    const taken = [...this.pending.values()];
    this.pending = new Map();
    return taken;
  }

  /** Increments a failed write could not keep: taken back, to be written next time. */
  undrain(increments: readonly CounterIncrement[]): void {
    sumInto(this.pending, increments);
  }

  /** This process's figures since it started. */
  snapshot(): ProxyStats & Breakdown {
    return { ...fold(this.local.values()), recent: [...this.recent] };
  }

  /** The shared totals (`stored`, read from the store) with what this process has not written yet. */
  sharedSnapshot(stored: readonly CounterIncrement[]): ProxyStats & Breakdown {
    return { ...statsOfCounters([...stored, ...this.pending.values()]), recent: [...this.recent] };
  }
}

/** The figures `/stats` shows for counters read from a store (no recent requests: those live in a process). */
export function statsOfCounters(rows: Iterable<CounterIncrement>): ProxyStats & Breakdown {
  const summed = new Map<string, CounterIncrement>();
  sumInto(summed, rows);
  return { ...fold(summed.values()), recent: [] };
}

/** Counters folded into the figures `/stats` shows. */
function fold(rows: Iterable<CounterIncrement>): Omit<ProxyStats, 'recent'> & Breakdown {
  const totals = new Map<string, number>();
  const passedThrough: Partial<Record<PassThroughReason, number>> = {};
  const imagesPassed: Record<string, number> = {};
  const byTransform: Record<string, { segments: number; tokensBefore: number; tokensAfter: number }> = {};
  type Figures = { -readonly [K in keyof FiguresOf]: number };
  const byDay: Record<string, Figures> = {};
  const byAgent: Record<string, Figures> = {};
  const byModel: Record<string, Figures> = {};
  const figureNames = new Set<string>(['requests', 'tokensBefore', 'tokensAfter', 'estimatedSavedUsd']);
  const outputRows: { model: string; name: string; value: number }[] = [];
  for (const row of rows) {
    if (row.name.startsWith('output.')) {
      outputRows.push(row);
      continue;
    }
    totals.set(row.name, (totals.get(row.name) ?? 0) + row.value);
    if (row.name.startsWith('passedThrough.')) {
      const reason = row.name.slice('passedThrough.'.length) as PassThroughReason;
      passedThrough[reason] = (passedThrough[reason] ?? 0) + row.value;
    } else if (row.name.startsWith('imagesPassed.')) {
      const reason = row.name.slice('imagesPassed.'.length);
      imagesPassed[reason] = (imagesPassed[reason] ?? 0) + row.value;
    } else if (row.name.startsWith('transform.')) {
      const dot = row.name.lastIndexOf('.');
      const name = row.name.slice('transform.'.length, dot);
      const field = row.name.slice(dot + 1) as 'segments' | 'tokensBefore' | 'tokensAfter';
      byTransform[name] ??= { segments: 0, tokensBefore: 0, tokensAfter: 0 };
      if (field in byTransform[name]) byTransform[name][field] += row.value;
    }
    if (!figureNames.has(row.name)) continue;
    for (const [group, key] of [
      [byDay, row.day],
      [byAgent, row.agent],
      [byModel, row.model],
    ] as const) {
      const figures = group[key] ?? { requests: 0, tokensBefore: 0, tokensAfter: 0, estimatedSavedUsd: 0 };
      figures[row.name as keyof Figures] += row.value;
      group[key] = figures;
    }
  }
  const total = (name: string) => totals.get(name) ?? 0;
  const usd = (v: number) => Math.round(v * 10_000) / 10_000;
  for (const group of [byDay, byAgent, byModel])
    for (const figures of Object.values(group)) figures.estimatedSavedUsd = usd(figures.estimatedSavedUsd);
  return {
    requests: total('requests'),
    sessions: total('sessions'),
    compressedRequests: total('compressedRequests'),
    passedThrough,
    tokensBefore: total('tokensBefore'),
    tokensAfter: total('tokensAfter'),
    byTransform,
    inputTokens: total('inputTokens'),
    cacheReadTokens: total('cacheReadTokens'),
    cacheWriteTokens: total('cacheWriteTokens'),
    outputTokens: total('outputTokens'),
    images: total('images'),
    imageTokens: total('imageTokens'),
    imagesResized: total('imagesResized'),
    imageBytesBefore: total('imageBytesBefore'),
    imageBytesAfter: total('imageBytesAfter'),
    imagesDownscaled: total('imagesDownscaled'),
    imageDuplicates: total('imageDuplicates'),
    imageTokensSaved: total('imageTokensSaved'),
    imagesPassed,
    outputShaping: estimateOutputSavings(outputRows),
    compressionMs: Math.round(total('compressionMs') * 100) / 100,
    retrieveRounds: total('retrieveRounds'),
    overflowRequests: total('overflowRequests'),
    estimatedSavedUsd: usd(total('estimatedSavedUsd')),
    byDay,
    byAgent,
    byModel,
  };
}
