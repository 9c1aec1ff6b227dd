import {
  armFor,
  armOfText,
  armText,
  asEventStreamUrl,
  type CompressionPolicy,
  contextWindowOf,
  DEFAULT_IMAGE_BUDGET,
  DIALECTS,
  decodeUtf8InTurns,
  FirstSightCache,
  type FirstSightMemory,
  type FittedImage,
  fitImages,
  fitRequest,
  formatOfPath,
  getTokenizer,
  type ImageCodec,
  InvalidRequestError,
  imageAsCame,
  isJsonArrayStream,
  type OutputArm,
  type OutputShaperSettings,
  parseJsonInTurns,
  promptBudget,
  providerMaxSize,
  requestImages,
  type Store,
  sha256Hex,
  shapeOutput,
  type Transform,
  type WireFormat,
} from '@headroom/core';
import { foldToFit } from '@headroom/crushers';
import { Hono } from 'hono';
import { agentOf, type CounterIncrement, type CounterStore, modelOf } from './counters.js';
import { dashboardHtml } from './dashboard.js';
import { compressBody, relayReply } from './exchange.js';
import { type Provider, providerOfRequest, upstreamHeaders } from './forward.js';
import { type OutputStratumKey, sizeBucket } from './output-savings.js';
import { inputPrice } from './prices.js';
import { providerError } from './provider-errors.js';
import { type BodyDecoder, readRequestBody } from './request-body.js';
import { sessionOf } from './session.js';
import {
  type Breakdown,
  type PassThroughReason,
  type ProxyStats,
  type RequestLabels,
  type RequestRecord,
  type StatsObserver,
  StatsTally,
  statsOfCounters,
  UNLABELLED,
} from './stats.js';
import { warmUp } from './warm-up.js';

/** Where the proxy's counters go as Prometheus metrics, and how they are read. */
export interface ProxyMetrics {
  /** One counter increment (see `StatsObserver`). */
  observe: StatsObserver;
  /** One upstream reply: its status, and milliseconds to its headers. */
  upstream(status: number, ms: number): void;
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** One thing `/health` checks: whether it answers, and what it said. */
export interface HealthCheck {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface ProxyOptions {
  /** Anthropic upstream. Default `https://api.anthropic.com`. Never taken from the request or `ANTHROPIC_BASE_URL`. */
  readonly upstreamAnthropic?: string;
  /** OpenAI (or any OpenAI-compatible) upstream. Default `https://api.openai.com`. */
  readonly upstreamOpenAI?: string;
  /** Gemini upstream. Default `https://generativelanguage.googleapis.com`. */
  readonly upstreamGemini?: string;
  /**
   * Largest request body accepted, in bytes (decoded, for a compressed body); larger ones get
   * 413, found while reading, so no more than this is ever held for one request. Default 32 MiB.
   */
  readonly maxBodyBytes?: number;
  /**
   * Requests whose bodies may be held at once (read, compressed, being sent); past it a client
   * gets 429 with `retry-after` in its provider's format. Default 64.
   */
  readonly maxConcurrentBodies?: number;
  /**
   * Bytes of request bodies held for all requests together (as read; decoded copies aside); a
   * body that would pass it is answered 429 with `retry-after`. Default 256 MiB.
   */
  readonly maxBufferedBytes?: number;
  /**
   * Decodes request bodies sent with a content-encoding (`serveProxy` passes Node's zlib and a
   * zstd decoder); without it, such bodies are forwarded as sent and counted as `undecodable`.
   */
  readonly decodeBody?: BodyDecoder;
  readonly policy?: Partial<CompressionPolicy>;
  readonly deadlineMs?: number;
  /** The compressors, in routing order. Default: every crusher (`defaultCrushers()`); put Kompress first for learned prose compression. */
  readonly transforms?: readonly Transform[];
  /**
   * What `/health` (and `/stats`, as `components`) report beside the proxy itself, such as
   * whether prose runs on Kompress or falls back to the extractive compressor, and why.
   */
  readonly components?: () => Record<string, unknown>;
  /**
   * Checks of what the proxy stands on (storage shared with a fleet, say), run by each `/health`:
   * any that fails makes the status `degraded` — requests still go through, uncompressed where
   * storage is needed — so a load balancer or an operator can see it.
   */
  readonly health?: () => Promise<Readonly<Record<string, HealthCheck>>>;
  /**
   * Host names (without port) allowed to read `/stats`; requests from web pages on other
   * origins are refused, so a page cannot read the proxy's figures through DNS rebinding.
   */
  readonly adminHosts?: readonly string[];
  /**
   * Required on `/stats` and `/dashboard` (as `Authorization: Bearer …` or `?token=…`) when set.
   * `serveProxy` sets one whenever the proxy is bound beyond loopback.
   */
  readonly adminToken?: string;
  /**
   * Where originals go. With a store, markers carry keys, every request offers the model
   * `headroom_retrieve` (from a session's first request on, so the tool list never changes
   * mid-session and the prompt cache holds) and the proxy answers its calls itself, streaming or
   * not. A session that never has anything compressed pays for the definition (about 100 tokens,
   * cached after its first request); see docs/session-cost.md.
   */
  readonly store?: Store;
  /**
   * Where each segment's first compressed form is remembered. Default: in this process. Pass
   * `createSqliteFirstSight()` (from `@headroom/ccr/sqlite`) so it survives a restart.
   */
  readonly firstSight?: FirstSightMemory;
  /**
   * Opt-in: the memories to put before a session's conversation, given its opening question (for
   * example `selectMemories` from `@headroom/memory` within a token budget). Chosen once per
   * session and kept, so the prompt cache holds; an empty string adds nothing.
   */
  readonly memories?: (question: string) => Promise<string>;
  /**
   * Opt-in: output-token reduction (see `docs/output-shaping.md`). Each new session joins an arm
   * at its first request — shaped (a verbosity instruction at the end of the system prompt, and
   * with `effortRouting` a lower effort on turns that only resume after tool results) or, for a
   * `holdout` share, a control group — and keeps it; sessions begun without it stay unshaped.
   * Output tokens are counted per arm and stratum, for `/stats`' `outputShaping` estimate.
   */
  readonly outputShaper?: OutputShaperSettings;
  /**
   * Context windows by model (exact names, or prefixes ending in `*`), over the built-in table
   * (see `contextWindowOf`). A request that would overflow its model's window has the tool
   * outputs of its earlier turns folded until it fits, rather than being rejected by the provider;
   * see `fitRequest`. Default on for the models the table knows; `fitContext: false` turns it off.
   */
  readonly contextWindows?: Readonly<Record<string, number>>;
  readonly fitContext?: boolean;
  /**
   * `GET /metrics` in Prometheus text format (`createProxyMetrics` from `@headroom/proxy/node`;
   * `serveProxy` sets one up): the same counters `/stats` keeps, for this process. Behind the
   * admin token like `/stats`.
   */
  readonly metrics?: ProxyMetrics;
  /**
   * Decodes and re-encodes images, for `fitImages` and for retrieving a region of one; `serveProxy`
   * sets one up with sharp (`createSharpCodec`). Without one, images go as they came.
   */
  readonly imageCodec?: ImageCodec;
  /**
   * Most input tokens an inline image may cost before it is sent smaller than its provider would
   * use it, its original kept behind a key; `false` for no budget. Default `DEFAULT_IMAGE_BUDGET`.
   */
  readonly imageBudget?: number | false;
  /**
   * How the proxy reaches the upstream. Default: the runtime's `fetch`. `serveProxy` uses one that
   * sends exactly the client's headers (the runtime's `fetch` adds some of a browser's).
   */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * The provider this proxy serves when a request does not say (`headroom wrap claude` sets
   * `anthropic`), so a client's bare probe goes where its real requests go.
   */
  readonly provider?: Provider;
  /** Where the proxy says, once per reason, that it forwarded requests uncompressed. */
  readonly onWarning?: (message: string) => void;
  /**
   * Where the figures of `/stats` are added up, shared with every process that opens the same
   * store (`createSqliteCounters()` from `@headroom/ccr/sqlite`): they continue across restarts and
   * two proxies on one machine count into the same totals. Written every second and on `close`.
   * Without one, `/stats` shows this process since it started.
   */
  readonly counters?: CounterStore;
}

export interface HeadroomProxy {
  /** The proxy as a `fetch` handler: runs in-process, behind any server. */
  fetch(request: Request): Promise<Response>;
  /** This process's figures since it started (`/stats` shows the shared ones when there is a counter store). */
  stats(): ProxyStats & Breakdown;
  /** Writes the figures not yet written to the counter store, and stops writing them every second. */
  close(): Promise<void>;
  /**
   * Resolves once the tokenizer and the compressors are loaded (a warm-up compression in each
   * wire format), so the first request costs no more than a later one. The warm-up starts on
   * the first call; `serveProxy` waits for it before it listens.
   */
  ready(): Promise<void>;
  /**
   * Where a WebSocket upgrade on `path` goes upstream (`ws`/`wss` to be derived by the server), or
   * `undefined` when the path is not served over WebSockets (only the Responses paths are).
   */
  webSocketUpstream(path: string): string | undefined;
  /**
   * One `response.create` a client sent over a WebSocket: compressed exactly as its HTTP form
   * would be, handed to `send` (which carries it over the upstream socket and gives back the
   * turn's events as a server-sent-event `Response`), and relayed with retrieve rounds answered.
   * The result is the stream the client gets, as server-sent events.
   */
  webSocketTurn(
    message: string,
    path: string,
    headers: Headers,
    send: (body: string) => Promise<Response>,
  ): Promise<Response>;
}

interface Prepared {
  readonly body: Uint8Array | string | undefined;
  readonly retrieval: boolean;
  readonly figures: Pick<RequestRecord, 'tokensBefore' | 'tokensAfter' | 'compressionMs' | 'images'>;
  readonly session: string | undefined;
  readonly labels: RequestLabels;
  /** Whether the session is new to every process sharing the first sights (counted once). */
  readonly newToFleet: boolean;
  /** The stratum the reply's output tokens are counted in, for a request of a known session. */
  readonly output?: OutputStratumKey;
}

/** Tokens a request may gain after fitting: the retrieve tool (~150), memories (400 by default), the output instruction (≤ 93). */
const ADDED_LATER = 768;

const NO_FIGURES = { tokensBefore: 0, tokensAfter: 0, compressionMs: 0 };

const isRecordLike = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The format a provider's errors are written in, when the request is not of a known format. */
const ERROR_FORMAT: Readonly<Record<Provider, WireFormat>> = {
  anthropic: 'anthropic',
  openai: 'openai',
  google: 'gemini',
};

const PASS_THROUGH_WHY: Record<PassThroughReason, string> = {
  bypass: 'x-headroom-bypass asked for no compression',
  'not-json': 'a request body that is not JSON was forwarded uncompressed',
  'not-a-request': "a request without its format's essentials was forwarded uncompressed",
  'compression-failed': 'a request the compressors failed on was forwarded uncompressed',
  undecodable: 'a request body in a content-encoding that could not be decoded was forwarded as sent',
};

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/**
 * Creates the proxy. Requests to the three chat endpoints are compressed (only the changed
 * strings are rewritten in the client's own bytes, so everything else — betas, unknown fields,
 * `cache_control` — goes upstream exactly as sent); every other path is passed through. Streaming
 * responses are relayed chunk by chunk as they arrive.
 *
 * @example
 * const proxy = createProxy({ upstreamOpenAI: 'http://127.0.0.1:9000' })
 * const response = await proxy.fetch(new Request('http://proxy/v1/chat/completions', { method: 'POST', body }))
 */
export function createProxy(options: ProxyOptions = {}): HeadroomProxy {
  const upstream = {
    anthropic: upstreamBase('upstreamAnthropic', options.upstreamAnthropic ?? 'https://api.anthropic.com'),
    openai: upstreamBase('upstreamOpenAI', options.upstreamOpenAI ?? 'https://api.openai.com'),
    google: upstreamBase('upstreamGemini', options.upstreamGemini ?? 'https://generativelanguage.googleapis.com'),
  };
  /** Where a request goes: the provider's upstream and the client's path (OpenAI's with its `/v1`). */
  const targetOf = (provider: Provider, url: URL) =>
    `${upstream[provider]}${provider === 'openai' && !url.pathname.startsWith('/v1') ? '/v1' : ''}${url.pathname}${url.search}`;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxConcurrent = options.maxConcurrentBodies ?? 64;
  const maxBuffered = options.maxBufferedBytes ?? 256 * 1024 * 1024;
  /**
   * Where a request that names no provider (a client's `HEAD /` probe) goes: the provider this
   * proxy was set up for, else the one its clients last spoke to, else the only one configured.
   */
  let servedProvider: Provider | undefined;
  const configured = (
    [
      ['anthropic', options.upstreamAnthropic],
      ['openai', options.upstreamOpenAI],
      ['google', options.upstreamGemini],
    ] as const
  ).filter(([, url]) => url);
  const only: Provider | undefined = configured.length === 1 ? configured[0]?.[0] : undefined;
  let probeProvider: Provider | undefined;
  const upstreamFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const adminHosts = new Set([...LOOPBACK, ...(options.adminHosts ?? [])]);
  // Remembers each segment's first compressed form, so the history a session already sent goes
  // upstream byte-identical on every later turn and the provider's prompt cache keeps working.
  const firstSight = options.firstSight ?? new FirstSightCache();
  const imageBudget = options.imageBudget === false ? undefined : (options.imageBudget ?? DEFAULT_IMAGE_BUDGET);
  const tally = new StatsTally();
  if (options.metrics) {
    tally.observer = options.metrics.observe;
    tally.upstreamObserver = options.metrics.upstream;
  }
  const counters = options.counters;
  /** Writes what this process counted to the shared store; kept for the next try if the store fails. */
  const flush = async () => {
    const increments = tally.drain();
    if (!counters || !increments.length) return;
    try {
      await counters.add(increments);
    } catch (error) {
      tally.undrain(increments);
      warnOnce(
        'counters',
        `cannot write the figures of /stats (${(error as Error).message}); they are kept and retried`,
      );
    }
  };
  let flushing: Promise<void> = Promise.resolve();
  const writeTimer = counters ? setInterval(() => (flushing = flushing.then(flush)), 1000) : undefined;
  (writeTimer as { unref?: () => void } | undefined)?.unref?.();
  /**
   * A session's memories are chosen once, from its opening, and remembered with the first sights
   * (so across restarts too): the same block goes with every request of the session, and memories
   * saved later never change a prompt the provider has cached.
   */
  const memoriesFor = async (session: string, format: WireFormat, parsed: Record<string, unknown>) => {
    const key = sha256Hex(`memories\u0000${session}`);
    const remembered = await (async () => firstSight.get(key))().catch(() => undefined);
    if (remembered) return remembered.text;
    let block = '';
    try {
      block = (await options.memories?.(DIALECTS[format].openingQuestion(parsed))) ?? '';
    } catch {
      // No memories this session rather than a failed request.
    }
    // Another proxy of a fleet may have chosen the session's block first: that one is sent.
    const kept = await (async () => firstSight.set(key, { text: block }))().catch(() => undefined);
    return kept?.text ?? block;
  };
  /**
   * Sessions whose history was fitted to their window: each later request of theirs gets the same
   * folds (remembered with the first sights) even when it fits without them.
   */
  const fittedSessions = new Set<string>();
  /** The request fitted to its model's window when it would overflow it (see `fitRequest`); undefined when untouched. */
  const fitToWindow = async (
    text: string,
    request: Record<string, unknown>,
    format: WireFormat,
    figures: { tokensAfter: number; tokenizer: { estimate: boolean } },
    model: string | undefined,
    betas: string | null,
    session: string | undefined,
  ) => {
    if (options.fitContext === false) return undefined;
    const window = contextWindowOf(model, {
      ...(options.contextWindows ? { overrides: options.contextWindows } : {}),
      betas,
    });
    if (!window) return undefined;
    // Room for what goes in after the count: the retrieve tool, a session's memories, the output instruction.
    const { room, budget } = promptBudget(window, {
      maxOutput: DIALECTS[format].maxOutputTokens(request),
      estimate: figures.tokenizer.estimate,
      reserved: ADDED_LATER,
    });
    const fitted = session !== undefined && fittedSessions.has(session);
    if (figures.tokensAfter <= budget && !fitted) return undefined;
    const fit = await fitRequest(text, request, format, figures.tokensAfter, {
      budget,
      tokenizer: await getTokenizer(model),
      fold: foldToFit,
      firstSight,
      fitted,
      ...(options.store ? { store: options.store } : {}),
    });
    if (session && (fit.folded || fit.refolded)) {
      fittedSessions.add(session);
      if (fittedSessions.size > 10_000) fittedSessions.delete(fittedSessions.values().next().value as string);
    }
    if (!fit.fits)
      warnOnce(
        'context-overflow',
        `a request of ${fit.tokensAfter} tokens still exceeds its window of ${room} after fitting; it is forwarded as it is (further ones are counted in /stats)`,
      );
    return fit;
  };
  /**
   * What a session is to this proxy, settled at its first request and kept with the first sights
   * (so across restarts and a fleet's replicas): whether it is new to every process sharing them —
   * a conversation that moves between replicas, or outlives a restart, is counted once — and its
   * output-shaping arm, so a setting changed mid-session never changes that session's bytes.
   * Storage that does not answer counts the session here and uses the arm the settings give,
   * asking again on its next request.
   */
  const sessionArms = new Map<string, OutputArm>();
  const meetSession = async (session: string | undefined): Promise<{ arm: OutputArm; newToFleet: boolean }> => {
    if (!session) return { arm: armFor('', undefined), newToFleet: true };
    const known = sessionArms.get(session);
    if (known) return { arm: known, newToFleet: true };
    const wanted = armFor(session, options.outputShaper);
    const mine = { text: armText(wanted) };
    try {
      const kept = await firstSight.set(sha256Hex(`session\u0000${session}`), mine);
      const first = kept === undefined || kept === mine;
      // A session kept before output shaping existed has an empty text: it began unshaped.
      const arm = first ? wanted : armOfText(kept.text);
      sessionArms.set(session, arm);
      if (sessionArms.size > 10_000) sessionArms.delete(sessionArms.keys().next().value as string);
      return { arm, newToFleet: first && !tally.knows(session) };
    } catch {
      return { arm: wanted, newToFleet: !tally.knows(session) };
    }
  };
  /** Says a thing once per kind, not once per request. */
  const warned = new Set<string>();
  const warnOnce = (kind: string, message: string) => {
    if (warned.has(kind)) return;
    warned.add(kind);
    options.onWarning?.(message);
  };
  /** Counts a request forwarded uncompressed, and says why once per reason. */
  const passThrough = (labels: RequestLabels, reason: PassThroughReason, detail?: string) => {
    tally.recordPassThrough(labels, reason);
    if (reason !== 'bypass')
      warnOnce(
        reason,
        `${PASS_THROUGH_WHY[reason]}${detail ? ` (${detail})` : ''}; further ones are counted in /stats`,
      );
  };
  const tooLarge = (format: WireFormat) =>
    providerError(format, 413, 'request_too_large', `request body exceeds ${maxBody} bytes`);
  let holding = 0;
  let buffered = 0;
  /**
   * Compresses a request body for its endpoint in its own bytes (the same for a body that came
   * over HTTP and one that came over a WebSocket); what it cannot read goes on untouched and is
   * counted by reason.
   */
  const prepare = async (
    bytes: Uint8Array,
    format: WireFormat,
    headers: Headers,
    pathname: string,
  ): Promise<Prepared> => {
    const agent = agentOf(headers.get('user-agent'));
    const unchanged = {
      body: bytes,
      retrieval: false,
      figures: NO_FIGURES,
      session: undefined,
      labels: { agent, model: 'unknown' },
      newToFleet: true,
    };
    if (headers.get('x-headroom-bypass') === '1') {
      passThrough(unchanged.labels, 'bypass');
      return unchanged;
    }
    // Decoded and parsed in slices: a body of many megabytes must not hold the event loop.
    const text = await decodeUtf8InTurns(bytes);
    let parsed: unknown;
    try {
      parsed = await parseJsonInTurns(text);
    } catch {
      // The upstream's to answer, in its own words; nothing here is lost or rewritten.
      passThrough(unchanged.labels, 'not-json');
      return unchanged;
    }
    const session = sessionOf(parsed, headers.get('x-headroom-session'), format);
    const model = isRecordLike(parsed) ? DIALECTS[format].modelOf(parsed, pathname) : undefined;
    const labels = { agent, model: modelOf({ model }) };
    try {
      const compressed = await compressBody(text, parsed, format, {
        firstSight,
        ...(options.store ? { store: options.store } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
        ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
        ...(options.transforms ? { transforms: options.transforms } : {}),
      });
      const request = parsed as Record<string, unknown>;
      const images = requestImages(request, format, model);
      tally.recordImages(labels, images);
      let retrieval = compressed.retrieval;
      const fit = await fitToWindow(
        compressed.text,
        request,
        format,
        compressed.result,
        model,
        headers.get('anthropic-beta'),
        session,
      ).catch((error: Error) => {
        // The fold could not be remembered or kept: the request goes as compressed, and the upstream decides.
        warnOnce('fit-failed', `a request could not be fitted to its context window (${error.message})`);
        return undefined;
      });
      const result = fit ? withFit(compressed.result, fit) : compressed.result;
      tally.recordCompression(labels, result, inputPrice(model));
      if (fit && !fit.fits) tally.recordOverflow(labels);
      let next = fit?.text ?? compressed.text;
      let imageFigures: readonly FittedImage[] = images.map(imageAsCame);
      if (options.imageCodec) {
        const fitted = await fitImages(next, images, format, {
          codec: options.imageCodec,
          firstSight,
          ...(options.store ? { store: options.store } : {}),
          ...(imageBudget ? { budget: imageBudget } : {}),
        });
        tally.recordImageFit(labels, fitted);
        imageFigures = fitted.images;
        next = fitted.text;
        // A note now names a key: the model is offered the tool that answers it, as for any marker.
        if (!retrieval && options.store && fitted.images.some((image) => image.key)) {
          next = DIALECTS[format].addRetrieveTool(next, request);
          retrieval = true;
        }
      }
      if (options.memories) {
        const block = await memoriesFor(session, format, request);
        if (block) next = DIALECTS[format].addToSystemPrompt(next, request, block) ?? next;
      }
      const { arm, newToFleet } = await meetSession(session);
      // Last, so the instruction ends the system prompt, after the memories.
      const shaped = shapeOutput(next, request, format, arm);
      next = shaped.text;
      return {
        // Unchanged: the client's own bytes go upstream, not a re-encoding of them.
        body: next === text ? bytes : next,
        retrieval,
        figures: {
          tokensBefore: result.tokensBefore,
          tokensAfter: result.tokensAfter,
          compressionMs: result.ms,
          ...(imageFigures.length ? { images: imageFigures } : {}),
        },
        session,
        labels,
        newToFleet,
        output: { arm: arm.arm, turn: shaped.turn, bucket: sizeBucket(result.tokensAfter) },
      };
    } catch (error) {
      // A body without the format's essentials, or one the pipeline failed on: forwarded untouched.
      passThrough(
        labels,
        error instanceof InvalidRequestError ? 'not-a-request' : 'compression-failed',
        error instanceof Error ? error.message : String(error),
      );
      return { ...unchanged, session, labels, newToFleet: (await meetSession(session)).newToFleet };
    }
  };
  /** How a reply is relayed: retrieve rounds answered from the store, usage and rounds counted. */
  const replyOptions = (
    format: WireFormat | undefined,
    retrieval: boolean,
    body: Uint8Array | string | undefined,
    errorFormat: WireFormat,
    labels: RequestLabels,
    output?: OutputStratumKey,
  ) => ({
    format,
    retrieval,
    ...(options.store ? { store: options.store } : {}),
    // A retrieved image goes back no larger than the asking model's provider uses it.
    ...(options.imageCodec && format
      ? {
          images: {
            codec: options.imageCodec,
            within: (size: { width: number; height: number }) => providerMaxSize(size, DIALECTS[format].provider),
          },
        }
      : {}),
    // The request exactly as it went upstream, as the start of a retrieve round.
    sent: () => JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as Record<string, unknown>,
    onReply: (reply: unknown) => tally.recordUsage(labels, reply, output),
    tap: (stream: ReadableStream<Uint8Array>) => stream.pipeThrough(usageTap(tally, labels, output)),
    onRetrieveRound: () => tally.recordRetrieveRound(labels),
    errorFormat,
  });
  const app = new Hono();

  app.get('/health', async (c) => {
    const checks =
      (await options.health?.().catch((error: Error) => ({ health: { ok: false, detail: error.message } }))) ?? {};
    const degraded = Object.values(checks).some((check) => !check.ok);
    return c.json({
      status: degraded ? 'degraded' : 'ok',
      ...(options.health ? { checks } : {}),
      ...(options.components ? { components: options.components() } : {}),
    });
  });
  /** Admin pages answer only requests addressed to this machine, so no web page can read them through DNS rebinding. */
  const local = (host: string | undefined, origin: string | undefined) => {
    const name = (host ?? '').replace(/:\d+$/, '');
    if (!adminHosts.has(name)) return false;
    try {
      return !origin || adminHosts.has(new URL(origin).hostname);
    } catch {
      return false;
    }
  };
  /**
   * Admin pages: with a token, anyone holding it (a page on another origin is still refused);
   * without one, only requests addressed to this machine, so no web page can read them through
   * DNS rebinding.
   */
  const admitted = (c: {
    req: { header(name: string): string | undefined; query(name: string): string | undefined };
  }) => {
    const origin = c.req.header('origin');
    if (options.adminToken) {
      const token =
        c.req.header('authorization') === `Bearer ${options.adminToken}` || c.req.query('token') === options.adminToken;
      if (!token) return 401;
      return origin && !local(URL.canParse(origin) ? new URL(origin).host : '', undefined) ? 403 : 200;
    }
    return local(c.req.header('host'), origin) ? 200 : 403;
  };
  app.get('/stats', async (c) => {
    const status = admitted(c);
    if (status === 401) return c.json({ error: 'stats need the admin token' }, 401);
    if (status === 403) return c.json({ error: 'stats are only served to this machine' }, 403);
    const components = {
      ...(options.components ? { components: options.components() } : {}),
      // Where each provider's requests go, and whether that was set or is the default (for `headroom doctor`).
      upstreams: {
        anthropic: { url: upstream.anthropic, configured: options.upstreamAnthropic !== undefined },
        openai: { url: upstream.openai, configured: options.upstreamOpenAI !== undefined },
        google: { url: upstream.google, configured: options.upstreamGemini !== undefined },
      },
    };
    if (!counters) return c.json({ ...tally.snapshot(), scope: 'process', ...components });
    try {
      const replicas = counters.readReplicas ? { replicas: replicaFigures(await counters.readReplicas()) } : {};
      return c.json({ ...tally.sharedSnapshot(await counters.read()), scope: 'shared', ...replicas, ...components });
    } catch (error) {
      // The shared totals cannot be read: this process's own, saying so.
      return c.json({ ...tally.snapshot(), scope: 'process', countersError: (error as Error).message, ...components });
    }
  });
  app.get('/metrics', async (c) => {
    const status = admitted(c);
    if (status === 401) return c.text('metrics need the admin token\n', 401);
    if (status === 403) return c.text('metrics are only served to this machine\n', 403);
    if (!options.metrics) return c.text('metrics are not enabled in this proxy\n', 404);
    const { contentType, body } = await options.metrics.render();
    return c.body(body, 200, { 'content-type': contentType });
  });
  // The dashboard's browser asks for an icon; that is no request for the upstream.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/dashboard', (c) => {
    const status = admitted(c);
    if (status === 401) return c.json({ error: 'the dashboard needs the admin token' }, 401);
    if (status === 403) return c.json({ error: 'the dashboard is only served to this machine' }, 403);
    return c.html(dashboardHtml());
  });

  app.all('*', async (c) => {
    const request = c.req.raw;
    probeProvider = options.provider ?? servedProvider ?? only;
    const url = new URL(request.url);
    const format = request.method === 'POST' ? formatOfPath(url.pathname) : undefined;
    const provider = format
      ? DIALECTS[format].provider
      : (providerOfRequest(request.headers, url) ?? probeProvider ?? 'openai');
    if (format) servedProvider = provider;
    const target = targetOf(provider, url);
    const errorFormat = ERROR_FORMAT[provider];
    // Gemini's stream without `alt=sse` is one JSON array written as it is generated.
    const jsonArrayStream = format === 'gemini' && isJsonArrayStream(url);

    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBody) return tooLarge(errorFormat);
    // Bodies held at once are bounded, in number and in bytes: past either limit a client is told
    // to come back shortly rather than the proxy running out of memory.
    const busy = () => {
      const answer = providerError(
        errorFormat,
        429,
        errorFormat === 'anthropic' ? 'rate_limit_error' : 'rate_limit_exceeded',
        'the Headroom proxy is holding as many request bodies as it may; retry shortly',
      );
      answer.headers.set('retry-after', '1');
      return answer;
    };
    if (request.body && holding >= maxConcurrent) return busy();
    holding++;
    let held = true;
    let reserved = 0;
    const release = () => {
      if (held) holding--;
      held = false;
      buffered -= reserved;
      reserved = 0;
    };
    try {
      const read = await readRequestBody(request, maxBody, options.decodeBody, (bytes) => {
        if (buffered + bytes > maxBuffered) return false;
        buffered += bytes;
        reserved += bytes;
        return true;
      });
      if (read.kind === 'too-large') return tooLarge(errorFormat);
      if (read.kind === 'busy') return busy();
      const raw = read.kind === 'read' ? read.raw : undefined;
      const decoded = read.kind === 'read' ? read.decoded : undefined;
      const unlabelled = { agent: agentOf(request.headers.get('user-agent')), model: 'unknown' };
      if (format && raw && !decoded)
        passThrough(unlabelled, 'undecodable', request.headers.get('content-encoding') ?? undefined);
      const prepared =
        format && decoded
          ? await prepare(decoded, format, request.headers, url.pathname)
          : {
              body: raw,
              retrieval: false,
              figures: NO_FIGURES,
              session: undefined,
              labels: unlabelled,
              newToFleet: true,
              output: undefined,
            };
      // A compressed body that was rewritten goes upstream decoded; an untouched one as it came.
      const rewritten = decoded !== undefined && prepared.body !== decoded;
      const body = rewritten || !decoded ? prepared.body : raw;
      const headers = upstreamHeaders(request.headers);
      if (rewritten) headers.delete('content-encoding');
      const { retrieval, figures, session, labels, output } = prepared;
      // Where a retrieve round may be answered inside Gemini's JSON-array stream, the upstream is
      // asked for the same stream as events (`alt=sse`), which the rounds follow; the client is
      // written the array it asked for.
      const eventsForArray = jsonArrayStream && retrieval;
      const upstreamTarget = eventsForArray ? asEventStreamUrl(target) : target;
      let response: Response;
      try {
        const sending = upstreamFetch(upstreamTarget, {
          method: request.method,
          headers,
          ...(body !== undefined && request.method !== 'GET' && request.method !== 'HEAD' ? { body } : {}),
          signal: request.signal,
          redirect: 'manual',
        });
        // The body is the upstream's now: its place is free while the reply is awaited (which can
        // take minutes), so slow replies do not turn other clients away.
        release();
        const sent = performance.now();
        response = await sending;
        if (format) tally.recordUpstream(labels, response.status, performance.now() - sent);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return providerError(
          errorFormat,
          502,
          'upstream_unreachable',
          `the upstream ${new URL(target).origin} could not be reached: ${reason}`,
        );
      }

      tally.recordRequest(
        labels,
        { at: Date.now(), path: url.pathname, status: response.status, ...figures, ...(session ? { session } : {}) },
        prepared.newToFleet,
      );
      // Retrieve rounds send JSON text of their own, never the client's encoding.
      const followUpHeaders = upstreamHeaders(request.headers);
      followUpHeaders.delete('content-encoding');
      return relayReply(response, {
        ...replyOptions(format, retrieval, rewritten || !decoded ? body : decoded, errorFormat, labels, output),
        relayAsIs: jsonArrayStream && !retrieval,
        ...(eventsForArray ? { asJsonArray: true } : {}),
        send: (next) =>
          upstreamFetch(upstreamTarget, {
            method: 'POST',
            headers: followUpHeaders,
            body: next,
            signal: request.signal,
          }),
      });
    } finally {
      release();
    }
  });
  // Whatever fails on the way (an upstream that breaks off mid-reply, a storage fault), the client
  // gets it in its provider's format, and the log gets one line rather than a stack trace.
  app.onError((error, c) => {
    const url = new URL(c.req.url);
    const format = formatOfPath(url.pathname);
    const provider = format ? DIALECTS[format].provider : (providerOfRequest(c.req.raw.headers, url) ?? 'openai');
    const message = error instanceof Error ? error.message : String(error);
    warnOnce('relay-failed', `a reply could not be relayed (${message})`);
    return providerError(ERROR_FORMAT[provider], 502, 'upstream_error', `the upstream reply broke off: ${message}`);
  });

  let warm: Promise<void> | undefined;
  return {
    fetch: (request) => Promise.resolve(app.fetch(request)),
    stats: () => tally.snapshot(),
    close: async () => {
      clearInterval(writeTimer);
      await flushing;
      await flush();
    },
    webSocketUpstream: (path) =>
      formatOfPath(path) === 'responses'
        ? `${upstream.openai}${path.startsWith('/v1') ? '' : '/v1'}${path}`
        : undefined,
    webSocketTurn: async (message, path, headers, send) => {
      const prepared = await prepare(new TextEncoder().encode(message), 'responses', headers, path);
      const text = typeof prepared.body === 'string' ? prepared.body : message;
      const sent = performance.now();
      const response = await send(text);
      tally.recordUpstream(prepared.labels, response.status, performance.now() - sent);
      tally.recordRequest(
        prepared.labels,
        {
          at: Date.now(),
          path,
          status: response.status,
          ...prepared.figures,
          ...(prepared.session ? { session: prepared.session } : {}),
        },
        prepared.newToFleet,
      );
      return relayReply(response, {
        ...replyOptions('responses', prepared.retrieval, text, 'openai', prepared.labels, prepared.output),
        send,
      });
    },
    ready: () => {
      warm ??= (async () => {
        await warmUp({
          ...(options.policy ? { policy: options.policy } : {}),
          ...(options.transforms ? { transforms: options.transforms } : {}),
        });
        // The runtime loads its Request, Response and web-stream classes on first use (tens of
        // milliseconds): a health check and a relayed stream load them here instead.
        await (await app.fetch(new Request('http://127.0.0.1/health'))).text();
        const stream = new Response('data: {}\n\n', { headers: { 'content-type': 'text/event-stream' } });
        const relayed = await relayReply(stream, {
          ...replyOptions('anthropic', false, '{}', 'anthropic', UNLABELLED),
          onReply: () => {},
          tap: (body) => body.pipeThrough(new TransformStream()),
          send: () => Promise.reject(new Error('no retrieve rounds in a warm-up')),
        });
        await relayed.text();
      })().catch(() => {
        // A warm-up that fails only means the first request loads what it needs itself.
      });
      return warm;
    },
  };
}

/**
 * Passes SSE bytes through unchanged while reading `usage` from the events that carry it
 * (Anthropic's message_start and message_delta, OpenAI's final chunk, Responses' completed event,
 * Gemini's last chunk).
 */
function usageTap(
  tally: StatsTally,
  labels: RequestLabels,
  output?: OutputStratumKey,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  let pending = '';
  const scan = (final: boolean) => {
    const events = pending.split('\n\n');
    pending = final ? '' : (events.pop() ?? '');
    for (const event of events) {
      for (const line of event.split('\n')) {
        if (!line.startsWith('data:') || !/"usage(Metadata)?"/.test(line)) continue;
        try {
          const data = JSON.parse(line.slice(5).trim()) as Record<string, unknown>;
          // Anthropic's message_delta repeats the input counts of message_start (they are cumulative)
          // and carries the turn's output count; message_start's output count is a placeholder.
          if (data.type === 'message_delta') {
            tally.recordUsage(labels, data, output, 'output');
            continue;
          }
          if (data.type === 'message_start') {
            tally.recordUsage(labels, data.message, output, 'input');
            continue;
          }
          // Every Gemini chunk repeats the prompt's count; the one that ends the turn is counted.
          const candidate = Array.isArray(data.candidates)
            ? (data.candidates[0] as Record<string, unknown>)
            : undefined;
          if (data.usageMetadata && !candidate?.finishReason) continue;
          tally.recordUsage(labels, (data.response as Record<string, unknown> | undefined) ?? data, output);
        } catch {
          // Not JSON: nothing to read.
        }
      }
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      pending += decoder.decode(chunk, { stream: true });
      scan(false);
    },
    flush() {
      scan(true);
    },
  });
}

/** An upstream base URL, checked once at start: a typo fails here, not as a 500 on every request. */
function upstreamBase(option: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${option} must be an http(s) URL like https://api.openai.com (got '${value}')`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`${option} must be an http(s) URL like https://api.openai.com (got '${value}')`);
  return value.replace(/\/$/, '');
}

/** Each replica's share of a fleet's figures: requests and tokens before and after. */
function replicaFigures(
  replicas: ReadonlyMap<string, readonly CounterIncrement[]>,
): Record<string, { requests: number; tokensBefore: number; tokensAfter: number }> {
  return Object.fromEntries(
    [...replicas].map(([name, rows]) => {
      const { requests, tokensBefore, tokensAfter } = statsOfCounters(rows);
      return [name, { requests, tokensBefore, tokensAfter }];
    }),
  );
}

/**
 * Figures with the fitting in them: the request's size after it, and one more entry, `context-fit`,
 * for the tokens the folds took off.
 */
function withFit<
  R extends { tokensAfter: number; transforms: readonly { name: string; tokensBefore: number; tokensAfter: number }[] },
>(result: R, fit: { tokensAfter: number; folded: number; refolded: number }): R {
  if (fit.tokensAfter >= result.tokensAfter) return result;
  const entry = {
    name: 'context-fit',
    contentType: 'text',
    tokensBefore: result.tokensAfter,
    tokensAfter: fit.tokensAfter,
    ms: 0,
  };
  return { ...result, tokensAfter: fit.tokensAfter, transforms: [...result.transforms, entry] };
}
