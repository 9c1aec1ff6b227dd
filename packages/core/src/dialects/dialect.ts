import type { RequestView, WireFormat } from '../request/segment.js';
import type { ImageRef } from './images.js';
import type { TurnKind } from './output-controls.js';
import type { SseEvent } from './sse.js';
import type { UsageFields } from './usage.js';

/** A `headroom_retrieve` call the model made: the id to answer and its arguments as sent. */
export interface RetrieveCall {
  readonly id: string;
  /** A JSON string (Chat Completions, Responses) or an object (Anthropic). */
  readonly args: unknown;
}

/** What a retrieve call gets back: the text for the model, and whether the call failed. */
export interface RetrieveAnswer {
  readonly text: string;
  /** True when the call could not be answered (bad arguments, unknown or expired key). */
  readonly isError: boolean;
  /** An image to show beside the text (a stored image, or a region of it), where the format's tool results can hold one. */
  readonly image?: { readonly mediaType: string; readonly data: string };
}

/**
 * Follows one streamed model turn on its way to the client. Text and thinking go out as they
 * arrive; from the first tool call on, events are held until the turn ends, because only then is
 * it known whether the model called `headroom_retrieve`. If it did, the held events are dropped
 * and the turn is continued upstream; if not, they go out exactly as received.
 */
export interface StreamTurn {
  /** What to send the client now for this event (possibly nothing: held or dropped). */
  see(event: SseEvent): string[];
  /** True when the turn called `headroom_retrieve`. */
  readonly retrieves: boolean;
  /** The turn as a non-streaming reply, for building the follow-up request. */
  reply(): Record<string, unknown>;
  /** The held events, when the turn is given to the client after all. */
  flush(): string[];
}

/**
 * One streamed reply as the client receives it, across retrieve rounds: the first turn is the
 * upstream's own, each later one continues it (indices, numbers and ids carry on from what the
 * client already has).
 */
export interface StreamReply {
  nextTurn(): StreamTurn;
  /**
   * An error event that ends the client's stream (a retrieve round that failed), numbered on from
   * what the client has; `type` keeps the upstream's own error type, so retry logic keyed on it
   * still sees it.
   */
  error(message: string, type?: string): string;
}

/**
 * Everything Headroom knows about one wire format, in one place. The proxy, the SDK wrappers and
 * the adapters ask the dialect and never branch on the format themselves; `DIALECTS` is typed so
 * that a format without a dialect, or a dialect missing a member, does not compile.
 */
export interface WireDialect<F extends WireFormat = WireFormat> {
  readonly format: F;
  /** Whose upstream, credentials and error shape the format's requests use. */
  readonly provider: 'anthropic' | 'openai' | 'google';
  /**
   * The paths of this format's compressed endpoints, as a client appends them to its base URL
   * (with and without `/v1` where clients send both); a pattern where the path names the model.
   */
  readonly paths: readonly (string | RegExp)[];

  /** Reads a request into segments (throws `InvalidRequestError` on a shape it cannot read). */
  parse(request: unknown): RequestView;
  /** The model a request asks for (Gemini names it in the path, the others in the body). */
  modelOf(request: Record<string, unknown>, pathname: string): string | undefined;
  /** The words that open the conversation: its first user message, as text. */
  openingQuestion(request: Record<string, unknown>): string;
  /**
   * What names the conversation a request belongs to (hashed into its session id): the parts every
   * later request of it repeats — system prompt, first turn, tool names.
   */
  sessionOpening(request: Record<string, unknown>): unknown;

  /** Whether the client runs tools in this conversation (then the retrieve tool is offered from its first request). */
  declaresTools(request: Record<string, unknown>): boolean;
  /** The `headroom_retrieve` definition in this format, ready to append to the request's tools. */
  retrieveTool(): Record<string, unknown>;
  /**
   * The client's JSON text with the retrieve tool added where the client declares its tools, every
   * other byte kept; the text unchanged where it must not be added.
   */
  addRetrieveTool(text: string, request: Record<string, unknown>): string;
  /** The `headroom_retrieve` calls in a non-streaming reply. */
  retrieveCalls(reply: unknown): RetrieveCall[];
  /** A retrieve answer as this format's tool result (message, block or item), answering `callId`. */
  toolResult(callId: string, answer: RetrieveAnswer): Record<string, unknown>;
  /**
   * The next request of a retrieve round: the request, the model's turn that made the calls (its
   * calls of the client's own tools left out: the model calls them again next turn) and the answers.
   */
  followUp(
    request: Record<string, unknown>,
    reply: Record<string, unknown>,
    answers: readonly Record<string, unknown>[],
  ): Record<string, unknown>;
  /** Follows a streamed reply across retrieve rounds. */
  streamReply(): StreamReply;
  /** Where a non-streaming reply keeps its usage, and which of its fields describe the prompt. */
  readonly usage: { readonly key: string; readonly fields: UsageFields };

  /** An error body in the shape the client's SDK parses, for a response of HTTP `status`. */
  errorBody(status: number, type: string, message: string): Record<string, unknown>;
  /** An error as the last event of a stream (after the client has its 200), as this format's SDK raises it. */
  streamErrorEvent(message: string, type?: string): string;

  /**
   * The client's JSON text with `block` added at the end of the system prompt — a block or part of
   * its own where the format has them, so the client's system blocks before it (and a prompt cache
   * keyed on them) stay exactly as sent; a new system prompt at the front when there is none;
   * undefined when it cannot be edited safely.
   */
  addToSystemPrompt(text: string, request: Record<string, unknown>, block: string): string | undefined;

  /** What the request's last turn asks of the model (see `TurnKind`). */
  turnKind(request: Record<string, unknown>): TurnKind;
  /**
   * The client's JSON text with the reasoning effort or thinking budget the client set lowered
   * (effort to `low`, a budget to 1,024 tokens); unchanged where it set none or one already as
   * low. Never adds a setting and never switches thinking on or off.
   */
  lowerEffort(text: string, request: Record<string, unknown>): string;
  /** The most output tokens the request allows the reply (room the prompt must leave in the window). */
  maxOutputTokens(request: Record<string, unknown>): number | undefined;
  /** The images the request carries inline (base64 or `data:` URLs), in order; URLs to fetch are not listed. */
  images(request: Record<string, unknown>): ImageRef[];
  /** A text part or block of this format, as it may stand beside (or instead of) an image. */
  textPart(text: string): Record<string, unknown>;
}
