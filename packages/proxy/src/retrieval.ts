import { type RetrieveImages, type RoundConversation, runRetrieveRounds, type TurnConversation } from '@headroom/ccr';
import { DIALECTS, type Store, type WireFormat, withFirstInput } from '@headroom/core';
import { clientHeaders } from './forward.js';
import { providerError } from './provider-errors.js';

/**
 * A wire format's side of a retrieve round (the rounds themselves are `@headroom/ccr`'s engine):
 * the dialect reads the calls out of a reply and writes the follow-up request in the client's format.
 */
export function wireRounds<Turn>(
  format: WireFormat,
  replyOf: (turn: Turn) => Record<string, unknown> | undefined,
): RoundConversation<Record<string, unknown>, Turn> {
  const dialect = DIALECTS[format];
  return {
    retrieveCalls: (turn) => {
      const reply = replyOf(turn);
      return reply ? dialect.retrieveCalls(reply) : [];
    },
    followUp: (request, turn, answered) =>
      dialect.followUp(
        request,
        replyOf(turn) ?? {},
        answered.map(({ call, answer }) => dialect.toolResult(call.id, answer)),
      ),
  };
}

/** A JSON reply on its way back: parsed, or — when it cannot go on to another round — the client's response as it is. */
interface JsonTurn {
  readonly reply?: Record<string, unknown>;
  readonly headers?: Headers;
  readonly final?: Response;
}

/**
 * Answers the retrieve calls of a non-streaming reply and asks the model again, up to the
 * engine's round cap; the client gets the last reply (or the upstream's error, status and body
 * kept). A round that cannot reach the upstream is answered 502 in the provider's format.
 */
export async function answerRetrievals(
  format: WireFormat,
  request: Record<string, unknown>,
  reply: Record<string, unknown>,
  options: {
    readonly store: Store;
    readonly images?: RetrieveImages;
    readonly send: (body: string) => Promise<Response>;
    readonly onReply?: (reply: unknown) => void;
  },
): Promise<Response> {
  const dialect = DIALECTS[format];
  const conversation: TurnConversation<Record<string, unknown>, JsonTurn> = {
    ...wireRounds(format, (turn: JsonTurn) => turn.reply),
    async ask(next) {
      let response: Response;
      let payload: string;
      try {
        response = await options.send(JSON.stringify(next));
        payload = await response.text();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const message = `a retrieve round could not reach the upstream: ${reason}`;
        return { final: providerError(format, 502, 'upstream_unreachable', message) };
      }
      const headers = clientHeaders(response.headers);
      if (!response.ok) return { final: new Response(payload, { status: response.status, headers }) };
      try {
        const parsed = JSON.parse(payload) as Record<string, unknown>;
        options.onReply?.(parsed);
        return { reply: parsed, headers: response.headers };
      } catch {
        return { final: new Response(payload, { status: 200, headers }) }; // not JSON after all: relayed as it is
      }
    },
  };
  const { turn } = await runRetrieveRounds(
    conversation,
    request,
    { reply },
    {
      store: options.store,
      ...(options.images ? { images: options.images } : {}),
    },
  );
  if (turn.final) return turn.final;
  const last = turn.reply ?? reply;
  // The client is shown its own context's usage, the first round's (see withFirstInput).
  const firstUsage = reply[dialect.usage.key];
  const lastUsage = last[dialect.usage.key];
  const shown =
    firstUsage !== undefined && lastUsage !== undefined && last !== reply
      ? { ...last, [dialect.usage.key]: withFirstInput(lastUsage, firstUsage, dialect.usage.fields) }
      : last;
  return new Response(JSON.stringify(shown), {
    status: 200,
    headers: turn.headers ? clientHeaders(turn.headers) : { 'content-type': 'application/json' },
  });
}
