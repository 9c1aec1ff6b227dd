import type { Store } from '@headroom/core';
import { followUp, MAX_RETRIEVE_ROUNDS } from './retrieval.js';
import { readSse } from './sse.js';
import { AnthropicTurn, OpenAITurn, type StreamTurn } from './stream-turns.js';

export interface StreamRetrievalOptions {
  readonly format: 'anthropic' | 'openai';
  /** The request as it went upstream (compressed, with the retrieve tool). */
  readonly request: Record<string, unknown>;
  readonly store: Store;
  /** Sends a follow-up request upstream (same target, headers and abort signal as the client's). */
  readonly send: (body: string) => Promise<Response>;
  /** Wraps each upstream stream on its way in, e.g. to read usage from it. */
  readonly tap?: (body: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  /** Called once per retrieve round the proxy answers. */
  readonly onRound?: () => void;
}

/**
 * Relays a streamed reply while answering the model's `headroom_retrieve` calls: the client gets
 * one coherent stream — one `message_start`, block indices that keep counting, one `[DONE]` —
 * and never sees a retrieve round. Events are relayed as they arrive except the tool calls of a
 * turn, held until the turn ends (see `StreamTurn`). A follow-up that fails ends the stream with
 * an error event in the provider's format, since the client has already had its 200.
 */
export function streamWithRetrieval(first: Response, options: StreamRetrievalOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const events = relay(first, options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await events.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      // The client went away: stop reading upstream (the abort signal cancels the fetch itself).
      await events.return(undefined);
    },
  });
}

async function* relay(first: Response, options: StreamRetrievalOptions): AsyncGenerator<string> {
  let response = first;
  let request = options.request;
  let offset = 0;
  for (let round = 0; ; round++) {
    const turn: StreamTurn = options.format === 'anthropic' ? new AnthropicTurn(offset) : new OpenAITurn();
    const body = response.body;
    if (!body) return;
    for await (const event of readSse(options.tap ? options.tap(body) : body)) {
      for (const out of turn.see(event)) yield out;
    }
    if (!turn.retrieves || round >= MAX_RETRIEVE_ROUNDS) {
      yield* turn.flush();
      return;
    }
    options.onRound?.();
    request = await followUp(options.format, request, turn.reply(), options.store);
    try {
      response = await options.send(JSON.stringify(request));
    } catch (error) {
      yield turn.error(`the upstream could not be reached for a retrieve round: ${(error as Error).message}`);
      return;
    }
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      const detail = (await response.text()).slice(0, 500);
      yield turn.error(`the upstream answered a retrieve round with ${response.status}: ${detail}`);
      return;
    }
    if (turn instanceof AnthropicTurn) offset = turn.clientBlocks;
  }
}
