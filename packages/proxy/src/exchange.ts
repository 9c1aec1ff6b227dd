import type { RetrieveImages } from '@headroom/ccr';
import {
  type CompressionPolicy,
  type CompressResult,
  DIALECTS,
  type FirstSightMemory,
  jsonArrayFromEvents,
  offersRetrieveTool,
  type Store,
  spliceJsonText,
  type Transform,
  type WireFormat,
} from '@headroom/core';
import { compress } from '@headroom/crushers';
import { clientHeaders } from './forward.js';
import { answerRetrievals } from './retrieval.js';
import { relayStream, streamWithRetrieval } from './stream-retrieval.js';

export interface CompressBodyOptions {
  readonly firstSight: FirstSightMemory;
  /** With a store, markers carry keys and `headroom_retrieve` is offered. */
  readonly store?: Store;
  readonly policy?: Partial<CompressionPolicy>;
  readonly deadlineMs?: number;
  /** The compressors, in routing order. Default: every crusher. */
  readonly transforms?: readonly Transform[];
}

export interface CompressedBody {
  /** The body to send: the client's own text with only the compressed strings (and the tool) changed. */
  readonly text: string;
  readonly result: CompressResult<unknown>;
  /** Whether `headroom_retrieve` was offered, so its calls must be answered. */
  readonly retrieval: boolean;
}

/**
 * Compresses a request body in its own bytes and, when there is a store, offers
 * `headroom_retrieve` where the client declares its tools (see the rules below). Throws when the
 * pipeline cannot read the body; the caller then sends it untouched.
 */
export async function compressBody(
  text: string,
  parsed: unknown,
  format: WireFormat,
  options: CompressBodyOptions,
): Promise<CompressedBody> {
  const { n, generate } = parsed as { n?: unknown; generate?: unknown };
  // Never where only the first of several choices would be followed, and not for a Responses
  // warm-up (`generate: false`, sent by Codex over its WebSocket), which produces nothing.
  const keyed = options.store !== undefined && !(typeof n === 'number' && n > 1) && generate !== false;
  const result = await compress(parsed, {
    format,
    firstSight: options.firstSight,
    ...(keyed && options.store ? { store: options.store } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.transforms ? { transforms: [...options.transforms] } : {}),
  });
  const request = parsed as Record<string, unknown>;
  const retrieval = keyed && offersRetrieveTool(DIALECTS[format].declaresTools(request), result.ccrKeys.length);
  // Nothing compressed, or the edits cannot be placed: the client's own bytes go on.
  let body = result.edits.length ? (spliceJsonText(text, result.edits, { valid: true }) ?? text) : text;
  if (retrieval) body = DIALECTS[format].addRetrieveTool(body, request);
  return { text: body, result, retrieval };
}

export interface ReplyOptions {
  readonly format: WireFormat | undefined;
  /** Whether the request offered `headroom_retrieve` (see `compressBody`). */
  readonly retrieval: boolean;
  readonly store?: Store;
  /** How stored images are cut and scaled for the model when it retrieves one. */
  readonly images?: RetrieveImages;
  /** The request as it was sent, parsed: where a retrieve round starts from. */
  readonly sent: () => Record<string, unknown>;
  /** Sends a retrieve round's request the way the first one went. */
  readonly send: (body: string) => Promise<Response>;
  /** Sees every JSON reply (for usage figures). */
  readonly onReply?: (reply: unknown) => void;
  /** Wraps every upstream stream on its way in (for usage figures). */
  readonly tap?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  readonly onRetrieveRound?: () => void;
  /** Relays the body as it comes, whatever its type (a stream that is not server-sent events). */
  readonly relayAsIs?: boolean;
  /**
   * The client asked for Gemini's JSON-array stream and the upstream was asked for the same stream
   * as events (`alt=sse`): the events are followed (retrieve rounds answered) and written as the array.
   */
  readonly asJsonArray?: boolean;
  /** The provider whose error events end a broken stream on a path with no format. Default OpenAI. */
  readonly errorFormat?: WireFormat;
}

/**
 * What the client gets for the upstream's response: a JSON reply as it is, or — when the model
 * called `headroom_retrieve` — the reply after the retrieve rounds were answered; a stream relayed
 * event by event, retrieve rounds answered inside it; anything else relayed untouched.
 */
export async function relayReply(response: Response, options: ReplyOptions): Promise<Response> {
  const headers = clientHeaders(response.headers);
  const type = response.headers.get('content-type') ?? '';
  const streaming = type.includes('text/event-stream');
  const { format, store } = options;
  if (options.relayAsIs) return new Response(response.body, { status: response.status, headers });
  if (!streaming && type.includes('application/json')) {
    const payload = await response.text();
    let reply: unknown;
    try {
      reply = JSON.parse(payload);
      options.onReply?.(reply);
    } catch {
      // Not JSON after all: relayed as it is.
    }
    // The model asked for omitted content: answer, ask again, and give the client the final reply.
    if (options.retrieval && format && store && response.ok && DIALECTS[format].retrieveCalls(reply).length)
      return answerRetrievals(format, options.sent(), reply as Record<string, unknown>, {
        store,
        ...(options.images ? { images: options.images } : {}),
        send: options.send,
        onReply: (next) => {
          options.onReply?.(next);
          options.onRetrieveRound?.();
        },
      });
    return new Response(payload, { status: response.status, headers });
  }
  if (streaming && response.ok && response.body && options.retrieval && store && format) {
    const events = streamWithRetrieval(response, {
      format,
      request: options.sent(),
      store,
      ...(options.images ? { images: options.images } : {}),
      send: options.send,
      ...(options.tap ? { tap: options.tap } : {}),
      ...(options.onRetrieveRound ? { onRound: options.onRetrieveRound } : {}),
    });
    if (!options.asJsonArray) return new Response(events, { status: response.status, headers });
    headers.set('content-type', 'application/json; charset=UTF-8');
    return new Response(jsonArrayFromEvents(events), { status: response.status, headers });
  }
  if (streaming && response.body)
    return new Response(relayStream(response.body, format ?? options.errorFormat ?? 'openai', options.tap), {
      status: response.status,
      headers,
    });
  return new Response(response.body, { status: response.status, headers });
}
