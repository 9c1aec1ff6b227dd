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

/** What the proxy has done (since it started, or since its saved figures began; see `statsPath`). */
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
  /** Milliseconds spent compressing, summed. */
  readonly compressionMs: number;
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
}

const RECENT = 50;

/** A running tally; bounded (the recent list keeps the last 50 requests). */
export class StatsTally {
  private requests = 0;
  private compressedRequests = 0;
  private tokensBefore = 0;
  private tokensAfter = 0;
  private compressionMs = 0;
  private savedUsd = 0;
  private retrieveRounds = 0;
  private inputTokens = 0;
  private cacheReadTokens = 0;
  private cacheWriteTokens = 0;
  private readonly passedThrough = new Map<PassThroughReason, number>();
  private readonly byTransform = new Map<string, { segments: number; tokensBefore: number; tokensAfter: number }>();
  private readonly recent: RequestRecord[] = [];
  private readonly sessions: SessionRegister;

  /** `initial`: figures to continue from, such as a restarted proxy's saved stats. */
  constructor(initial?: ProxyStats) {
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    this.requests = n(initial?.requests);
    this.compressedRequests = n(initial?.compressedRequests);
    this.tokensBefore = n(initial?.tokensBefore);
    this.tokensAfter = n(initial?.tokensAfter);
    this.compressionMs = n(initial?.compressionMs);
    this.savedUsd = n(initial?.estimatedSavedUsd);
    this.retrieveRounds = n(initial?.retrieveRounds);
    this.inputTokens = n(initial?.inputTokens);
    this.cacheReadTokens = n(initial?.cacheReadTokens);
    this.cacheWriteTokens = n(initial?.cacheWriteTokens);
    for (const [name, t] of Object.entries(initial?.byTransform ?? {}))
      this.byTransform.set(name, {
        segments: n(t.segments),
        tokensBefore: n(t.tokensBefore),
        tokensAfter: n(t.tokensAfter),
      });
    for (const [reason, count] of Object.entries(initial?.passedThrough ?? {}))
      this.passedThrough.set(reason as PassThroughReason, n(count));
    if (Array.isArray(initial?.recent)) this.recent.push(...initial.recent.slice(-RECENT));
    this.sessions = new SessionRegister(undefined, n(initial?.sessions));
  }

  recordCompression(
    figures: {
      tokensBefore: number;
      tokensAfter: number;
      ms: number;
      transforms: readonly { name: string; tokensBefore: number; tokensAfter: number; skipped?: string }[];
    },
    usdPerToken?: number,
  ): void {
    if (usdPerToken) this.savedUsd += (figures.tokensBefore - figures.tokensAfter) * usdPerToken;
    this.compressedRequests += figures.tokensAfter < figures.tokensBefore ? 1 : 0;
    this.tokensBefore += figures.tokensBefore;
    this.tokensAfter += figures.tokensAfter;
    this.compressionMs += figures.ms;
    for (const t of figures.transforms) {
      if (t.skipped) continue;
      const entry = this.byTransform.get(t.name) ?? { segments: 0, tokensBefore: 0, tokensAfter: 0 };
      entry.segments++;
      entry.tokensBefore += t.tokensBefore;
      entry.tokensAfter += t.tokensAfter;
      this.byTransform.set(t.name, entry);
    }
  }

  recordRequest(record: RequestRecord): void {
    this.requests++;
    if (record.session) this.sessions.note(record.session);
    this.recent.push(record);
    if (this.recent.length > RECENT) this.recent.shift();
  }

  recordPassThrough(reason: PassThroughReason): void {
    this.passedThrough.set(reason, (this.passedThrough.get(reason) ?? 0) + 1);
  }

  recordRetrieveRound(): void {
    this.retrieveRounds++;
  }

  /** Reads usage from a JSON response body in either provider's shape. */
  recordUsage(body: unknown): void {
    const usage = (body as { usage?: Record<string, unknown> } | undefined)?.usage;
    if (!usage) return;
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    this.inputTokens += n(usage.input_tokens) + n(usage.prompt_tokens);
    this.cacheReadTokens +=
      n(usage.cache_read_input_tokens) +
      n((usage.prompt_tokens_details as Record<string, unknown> | undefined)?.cached_tokens);
    this.cacheWriteTokens += n(usage.cache_creation_input_tokens);
  }

  snapshot(): ProxyStats {
    return {
      requests: this.requests,
      sessions: this.sessions.count,
      compressedRequests: this.compressedRequests,
      passedThrough: Object.fromEntries(this.passedThrough),
      tokensBefore: this.tokensBefore,
      tokensAfter: this.tokensAfter,
      byTransform: Object.fromEntries([...this.byTransform].map(([k, v]) => [k, { ...v }])),
      inputTokens: this.inputTokens,
      cacheReadTokens: this.cacheReadTokens,
      cacheWriteTokens: this.cacheWriteTokens,
      compressionMs: Math.round(this.compressionMs * 100) / 100,
      retrieveRounds: this.retrieveRounds,
      estimatedSavedUsd: Math.round(this.savedUsd * 10_000) / 10_000,
      recent: [...this.recent],
    };
  }
}
