import type { RetrieveAnswer, RetrieveCall, Store } from '@headroom/core';
import type { RetrieveImages } from '../retrieve/retrieve-image.js';
import { handleRetrieveCall } from '../tool/retrieve-tool.js';

/**
 * The one "answer `headroom_retrieve` and ask again" loop, for every mode: the proxy (JSON, server-sent
 * events and the Responses WebSocket), `headroomFetch`/`withHeadroom`, the Vercel middleware and the
 * LangChain model. A mode says how its turns look and how it asks its model (a `RoundConversation`);
 * the loop, the answers, the round cap and what the caller is given are decided here, once.
 */

/** Retrieve rounds answered before the model's turn goes to the caller as it is. */
export const MAX_RETRIEVE_ROUNDS = 3;

/** A retrieve call with what the store answered. */
export interface AnsweredCall {
  readonly call: RetrieveCall;
  readonly answer: RetrieveAnswer;
}

/** How one mode's turns look, as far as a retrieve round needs. */
export interface RoundConversation<Request, Turn> {
  /** The model's `headroom_retrieve` calls in a turn; none means the turn goes to the caller. */
  retrieveCalls(turn: Turn): readonly RetrieveCall[];
  /**
   * The next request: the request, the model's turn that made the calls (its calls of the caller's
   * own tools left out: the model calls them again once it has read the originals) and the answers.
   */
  followUp(request: Request, turn: Turn, answered: readonly AnsweredCall[]): Request;
}

export interface RoundOptions {
  readonly store: Store;
  /** How stored images are cut and scaled for the model (see `retrieveImage`); without it they come back whole. */
  readonly images?: RetrieveImages;
  /** Default `MAX_RETRIEVE_ROUNDS`. */
  readonly maxRounds?: number;
  /** Called as each round is answered (1, 2, …), before the model is asked again. */
  readonly onRound?: (round: number) => void;
}

/** Answers a turn's retrieve calls from the store, in parallel; never throws (see `handleRetrieveCall`). */
export function answerCalls(
  store: Store,
  calls: readonly RetrieveCall[],
  images?: RetrieveImages,
): Promise<AnsweredCall[]> {
  return Promise.all(calls.map(async (call) => ({ call, answer: await handleRetrieveCall(store, call.args, images) })));
}

/** A mode that asks its model for whole turns. */
export interface TurnConversation<Request, Turn> extends RoundConversation<Request, Turn> {
  ask(request: Request): Promise<Turn>;
}

/**
 * Answers the retrieve calls of `first` and asks again until a turn makes none or the cap is
 * reached; gives back the last turn (which the caller receives) and how many rounds were answered.
 */
export async function runRetrieveRounds<Request, Turn>(
  conversation: TurnConversation<Request, Turn>,
  request: Request,
  first: Turn,
  options: RoundOptions,
): Promise<{ readonly turn: Turn; readonly rounds: number }> {
  const max = options.maxRounds ?? MAX_RETRIEVE_ROUNDS;
  let current = request;
  let turn = first;
  let rounds = 0;
  for (let calls = conversation.retrieveCalls(turn); calls.length && rounds < max; ) {
    current = conversation.followUp(current, turn, await answerCalls(options.store, calls, options.images));
    rounds++;
    options.onRound?.(rounds);
    turn = await conversation.ask(current);
    calls = conversation.retrieveCalls(turn);
  }
  return { turn, rounds };
}

/**
 * Follows one streamed turn on its way to the caller. What the caller may have at once (text,
 * thinking) goes out as it arrives; from the first tool call on, parts are held until the turn
 * ends, because only then is it known whether the model called `headroom_retrieve`.
 */
export interface TurnFollower<In, Out, Turn> {
  /** What to give the caller now for this part (possibly nothing: held, or dropped). */
  see(part: In): readonly Out[];
  /** The turn as a whole, once it has ended: where its calls are read and its follow-up built from. */
  turn(): Turn;
  /** The held parts, when this turn goes to the caller after all (it is the last). */
  flush(): readonly Out[];
}

/** A mode that streams its model's turns: parts `In` as the model sends them, `Out` as the caller reads them. */
export interface StreamConversation<Request, In, Out, Turn> extends RoundConversation<Request, Turn> {
  /** Starts following turn `round` (0 for the upstream's own first turn). */
  nextTurn(round: number): TurnFollower<In, Out, Turn>;
  /** Asks the model again; throws when it cannot (the caller is then given `fail`). */
  ask(request: Request): Promise<AsyncIterable<In>>;
  /**
   * What ends the caller's stream when the model's stream broke off or a round could not be asked:
   * an error in the caller's own terms (an error event), or a throw where errors travel that way.
   */
  fail(error: unknown): readonly Out[];
}

/**
 * The caller's stream across retrieve rounds: one reply, whose retrieve rounds it never sees.
 * Returns the number of rounds answered.
 */
export async function* streamRetrieveRounds<Request, In, Out, Turn>(
  conversation: StreamConversation<Request, In, Out, Turn>,
  request: Request,
  first: AsyncIterable<In>,
  options: RoundOptions,
): AsyncGenerator<Out, number> {
  const max = options.maxRounds ?? MAX_RETRIEVE_ROUNDS;
  let current = request;
  let source = first;
  for (let round = 0; ; round++) {
    const follower = conversation.nextTurn(round);
    try {
      for await (const part of source) yield* follower.see(part);
    } catch (error) {
      yield* conversation.fail(error);
      return round;
    }
    const turn = follower.turn();
    const calls = conversation.retrieveCalls(turn);
    if (!calls.length || round >= max) {
      yield* follower.flush();
      return round;
    }
    current = conversation.followUp(current, turn, await answerCalls(options.store, calls, options.images));
    options.onRound?.(round + 1);
    try {
      source = await conversation.ask(current);
    } catch (error) {
      yield* conversation.fail(error);
      return round + 1;
    }
  }
}

/** A stream's parts one by one (the reader released when the consumer stops early). */
export async function* partsOf<T>(stream: ReadableStream<T>): AsyncGenerator<T> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** A stream that pulls from `source` as its reader reads, and stops `source` when the reader goes away. */
export function readableFrom<T>(source: AsyncGenerator<T, unknown>): ReadableStream<T> {
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const next = await source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
