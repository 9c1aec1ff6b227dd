import { type RetrieveImages, type StreamConversation, streamRetrieveRounds } from '@headroom/ccr';
import { DIALECTS, readSse, type SseEvent, type Store, type StreamTurn, type WireFormat } from '@headroom/core';
import { wireRounds } from './retrieval.js';

export interface StreamRetrievalOptions {
  readonly format: WireFormat;
  /** The request as it went upstream (compressed, with the retrieve tool). */
  readonly request: Record<string, unknown>;
  readonly store: Store;
  readonly images?: RetrieveImages;
  /** Sends a follow-up request upstream (same target, headers and abort signal as the client's). */
  readonly send: (body: string) => Promise<Response>;
  /** Wraps each upstream stream on its way in, e.g. to read usage from it. */
  readonly tap?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  /** Called once per retrieve round the proxy answers. */
  readonly onRound?: () => void;
}

/** A retrieve round that could not be asked: the message the client's stream ends with, and the upstream's error type. */
class RoundRefused extends Error {
  constructor(
    message: string,
    readonly type?: string,
  ) {
    super(message);
  }
}

/**
 * Relays a streamed reply while answering the model's `headroom_retrieve` calls: the client gets
 * one coherent stream — one `message_start`, block indices that keep counting, one `[DONE]` —
 * and never sees a retrieve round. Events are relayed as they arrive except the tool calls of a
 * turn, held until the turn ends (see `StreamTurn`). A follow-up that fails ends the stream with
 * an error event in the provider's format, since the client has already had its 200.
 */
export function streamWithRetrieval(first: Response, options: StreamRetrievalOptions): ReadableStream<Uint8Array> {
  // What the client has received so far carries from turn to turn inside the reply.
  const reply = DIALECTS[options.format].streamReply();
  const events = (response: Response): AsyncIterable<SseEvent> =>
    readSse(options.tap && response.body ? options.tap(response.body) : (response.body ?? new ReadableStream()));
  const conversation: StreamConversation<Record<string, unknown>, SseEvent, string, StreamTurn> = {
    ...wireRounds(options.format, (turn: StreamTurn) => (turn.retrieves ? turn.reply() : undefined)),
    nextTurn() {
      const turn = reply.nextTurn();
      return { see: (event) => turn.see(event), turn: () => turn, flush: () => turn.flush() };
    },
    async ask(request) {
      let response: Response;
      try {
        response = await options.send(JSON.stringify(request));
      } catch (error) {
        throw new RoundRefused(`the upstream could not be reached for a retrieve round: ${(error as Error).message}`);
      }
      if (!response.ok || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        const detail = (await response.text()).slice(0, 500);
        throw new RoundRefused(
          `the upstream answered a retrieve round with ${response.status}: ${detail}`,
          errorTypeOf(detail),
        );
      }
      return events(response);
    },
    fail: (error) => [
      error instanceof RoundRefused
        ? reply.error(error.message, error.type)
        : reply.error(`the upstream stream broke off: ${(error as Error).message}`),
    ],
  };
  return readableOf(
    streamRetrieveRounds(conversation, options.request, events(first), {
      store: options.store,
      ...(options.images ? { images: options.images } : {}),
      ...(options.onRound ? { onRound: options.onRound } : {}),
    }),
  );
}

/**
 * The upstream's own error type in an error body (`overloaded_error`, `rate_limit_exceeded`,
 * Google's `UNAVAILABLE`), so the client's retry logic keyed on it still sees it.
 */
function errorTypeOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { type?: unknown; code?: unknown; status?: unknown } };
    const { type, code, status } = parsed.error ?? {};
    const found = [type, status, code].find((v) => typeof v === 'string' && v);
    return found as string | undefined;
  } catch {
    return undefined;
  }
}

/**
 * Relays a stream event by event as it arrives. If the upstream breaks off mid-stream, the
 * unfinished event is dropped and the client's stream ends with an error event in the
 * provider's format, which its SDK raises, instead of a dropped connection or half an event.
 */
export function relayStream(
  body: ReadableStream<Uint8Array>,
  format: WireFormat,
  tap?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>,
): ReadableStream<Uint8Array> {
  async function* events(): AsyncGenerator<string> {
    try {
      for await (const event of readSse(tap ? tap(body) : body)) yield event.raw;
    } catch (error) {
      yield DIALECTS[format].streamErrorEvent(`the upstream stream broke off: ${(error as Error).message}`);
    }
  }
  return readableOf(events());
}

/** A byte stream that pulls text from `source` as the client reads, and stops it when the client goes away. */
function readableOf(source: AsyncGenerator<string, unknown>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      // The client went away: stop reading upstream (the abort signal cancels the fetch itself).
      await source.return(undefined);
    },
  });
}
