import {
  type CompressionPolicy,
  type CompressResult,
  type FirstSightMemory,
  type Store,
  spliceJsonText,
  type Transform,
  type WireFormat,
} from '@headroom/core';
import { compress } from '@headroom/crushers';
import { clientHeaders } from './forward.js';
import { answerRetrievals, injectRetrieveTool, retrieveCalls } from './retrieval.js';
import { relayStream, streamWithRetrieval } from './stream-retrieval.js';

/** The request paths Headroom compresses, and their wire formats. */
export function formatOfPath(pathname: string): WireFormat | undefined {
  if (pathname.endsWith('/chat/completions')) return 'openai';
  if (pathname.endsWith('/messages')) return 'anthropic';
  if (pathname.endsWith('/responses')) return 'responses';
  return undefined;
}

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
  // Offered to a client that runs tools, from its first request on; a request without any (a
  // title, a summary) gets it only when it carries a key to use it with.
  const retrieval = keyed && (declaresTools(parsed, format) || result.ccrKeys.length > 0);
  // Nothing compressed, or the edits cannot be placed: the client's own bytes go on.
  let body = result.edits.length ? (spliceJsonText(text, result.edits, { valid: true }) ?? text) : text;
  if (retrieval) body = injectRetrieveTool(body, format, parsed);
  return { text: body, result, retrieval };
}

/**
 * Whether the client runs tools in this conversation: a non-empty `tools` list, or (Responses)
 * tools declared in an `additional_tools` input item or with the earlier response it continues.
 */
function declaresTools(parsed: unknown, format: WireFormat): boolean {
  const body = parsed as { tools?: unknown; input?: unknown; previous_response_id?: unknown };
  if (Array.isArray(body.tools) && body.tools.length > 0) return true;
  if (format !== 'responses') return false;
  if (typeof body.previous_response_id === 'string') return true;
  return (
    Array.isArray(body.input) &&
    body.input.some((item) => (item as { type?: unknown } | null)?.type === 'additional_tools')
  );
}

export interface ReplyOptions {
  readonly format: WireFormat | undefined;
  /** Whether the request offered `headroom_retrieve` (see `compressBody`). */
  readonly retrieval: boolean;
  readonly store?: Store;
  /** The request as it was sent, parsed: where a retrieve round starts from. */
  readonly sent: () => Record<string, unknown>;
  /** Sends a retrieve round's request the way the first one went. */
  readonly send: (body: string) => Promise<Response>;
  /** Sees every JSON reply (for usage figures). */
  readonly onReply?: (reply: unknown) => void;
  /** Wraps every upstream stream on its way in (for usage figures). */
  readonly tap?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  readonly onRetrieveRound?: () => void;
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
    if (options.retrieval && format && store && response.ok && retrieveCalls(format, reply).length)
      return answerRetrievals(format, options.sent(), reply as Record<string, unknown>, {
        store,
        send: options.send,
        onReply: (next) => {
          options.onReply?.(next);
          options.onRetrieveRound?.();
        },
      });
    return new Response(payload, { status: response.status, headers });
  }
  if (streaming && response.ok && response.body && options.retrieval && store && format)
    return new Response(
      streamWithRetrieval(response, {
        format,
        request: options.sent(),
        store,
        send: options.send,
        ...(options.tap ? { tap: options.tap } : {}),
        ...(options.onRetrieveRound ? { onRound: options.onRetrieveRound } : {}),
      }),
      { status: response.status, headers },
    );
  if (streaming && response.body)
    return new Response(relayStream(response.body, format ?? options.errorFormat ?? 'openai', options.tap), {
      status: response.status,
      headers,
    });
  return new Response(response.body, { status: response.status, headers });
}
