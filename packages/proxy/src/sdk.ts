import { createMemoryStore } from '@headroom/ccr';
import {
  asEventStreamUrl,
  type CompressionPolicy,
  type CompressResult,
  FirstSightCache,
  type FirstSightMemory,
  formatOfPath,
  isJsonArrayStream,
  type Store,
} from '@headroom/core';
import { compressBody, relayReply } from './exchange.js';
import { upstreamHeaders } from './forward.js';

export interface HeadroomFetchOptions {
  /**
   * Where originals go, so the model's `headroom_retrieve` calls can be answered. Default: a
   * store in this process's memory. Pass `createSqliteStore()` to share it with the CLI and proxy.
   */
  readonly store?: Store;
  /** Where each segment's first compressed form is kept (cache safety). Default: in this process. */
  readonly firstSight?: FirstSightMemory;
  readonly policy?: Partial<CompressionPolicy>;
  readonly deadlineMs?: number;
  /** The fetch that reaches the provider. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** Called with the figures of every compressed request. */
  readonly onCompression?: (figures: CompressResult<unknown>) => void;
}

/**
 * A `fetch` that compresses chat requests (`…/chat/completions`, `…/messages`, `…/responses`) on
 * their way out — in their own bytes — and answers the model's `headroom_retrieve` calls before
 * the caller sees the reply, streaming or not. The proxy's request handling, run in-process:
 * give it to any SDK or HTTP client that takes a custom fetch. Gemini's `…:generateContent` and
 * `…:streamGenerateContent` included.
 *
 * @example
 * const openai = new OpenAI({ fetch: headroomFetch() })
 * const gemini = new GoogleGenAI({ apiKey, httpOptions: { fetch: headroomFetch() } })
 */
export function headroomFetch(options: HeadroomFetchOptions = {}): typeof fetch {
  const base = options.fetch ?? globalThis.fetch;
  const store = options.store ?? createMemoryStore();
  const firstSight = options.firstSight ?? new FirstSightCache();
  return async (input, init) => {
    const request = new Request(input, init);
    const format = request.method === 'POST' ? formatOfPath(new URL(request.url).pathname, 'suffix') : undefined;
    if (!format) return base(request);
    const text = await request.text();
    let target = request.url;
    const send = (body: string) =>
      base(target, { method: 'POST', headers: upstreamHeaders(request.headers), body, signal: request.signal });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return send(text); // the provider answers a malformed body in its own words
    }
    let compressed: Awaited<ReturnType<typeof compressBody>>;
    try {
      compressed = await compressBody(text, parsed, format, {
        firstSight,
        store,
        ...(options.policy ? { policy: options.policy } : {}),
        ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
      });
    } catch {
      return send(text); // a body the pipeline cannot read goes out untouched
    }
    options.onCompression?.(compressed.result);
    // Gemini's JSON-array stream is followed as events where a retrieve round may be answered in it.
    const asJsonArray = compressed.retrieval && format === 'gemini' && isJsonArrayStream(new URL(request.url));
    if (asJsonArray) target = asEventStreamUrl(request.url);
    const response = await send(compressed.text);
    return relayReply(response, {
      format,
      asJsonArray,
      retrieval: compressed.retrieval,
      store,
      sent: () => JSON.parse(compressed.text) as Record<string, unknown>,
      send,
    });
  };
}

/** The `withOptions` every OpenAI and Anthropic SDK client has: a copy of the client with some options changed. */
interface SdkClient {
  withOptions(options: { fetch?: typeof fetch }): unknown;
}

/**
 * The same SDK client, compressing in-process: `chat.completions.create`, `responses.create` and
 * `messages.create` (streaming included) send compressed requests, and `headroom_retrieve` calls
 * are answered before the reply reaches you, which keeps the SDK's own types.
 *
 * @example
 * import OpenAI from 'openai'
 * const openai = withHeadroom(new OpenAI())
 * import Anthropic from '@anthropic-ai/sdk'
 * const anthropic = withHeadroom(new Anthropic())
 */
export function withHeadroom<C extends SdkClient>(client: C, options: HeadroomFetchOptions = {}): C {
  const existing = (client as { fetch?: typeof fetch }).fetch;
  return client.withOptions({
    fetch: headroomFetch({ ...(existing && !options.fetch ? { fetch: existing } : {}), ...options }),
  }) as C;
}
