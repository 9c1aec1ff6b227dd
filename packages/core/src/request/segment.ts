/** The wire formats Headroom reads and writes: Chat Completions, Anthropic Messages, Responses, Gemini. */
export type WireFormat = 'openai' | 'anthropic' | 'responses' | 'gemini';

/** Who wrote a segment, in provider-neutral terms (`developer` counts as `system`). */
export type Role = 'system' | 'user' | 'assistant' | 'tool';

/**
 * What a segment is:
 * - `tool-result`: output of a tool call (`tool` message, `tool_result` block, `function_call_output`);
 * - `text`: a system, user or assistant text block;
 * - `tool-schema`: a tool's description in the request's tool list.
 */
export type SegmentKind = 'tool-result' | 'text' | 'tool-schema';

/** Keys from the request root to the string a segment was read from. */
export type JsonPath = readonly (string | number)[];

export interface SegmentFlags {
  /** The wire format says the text must stay byte-exact (e.g. a document with citations). */
  readonly protected: boolean;
  /** Set by the caller: this text already went upstream uncompressed in the same session. */
  readonly alreadySent: boolean;
  /** The text already carries Headroom omission markers. */
  readonly alreadyCompressed: boolean;
  /** The text is content a retrieve call returned; it must never be compressed again. */
  readonly retrieved: boolean;
}

/**
 * One compressible unit of a request: a single string inside the wire request, with enough
 * context to decide whether and how to compress it. Adapters produce segments in reading order.
 */
export interface Segment {
  /** Position of this segment among all segments of the request (reading order). */
  readonly index: number;
  /** Index of the message or input item the text sits in; -1 for top-level fields (system, tools). */
  readonly message: number;
  readonly role: Role;
  readonly kind: SegmentKind;
  readonly text: string;
  /** Where `text` lives inside the wire request; writing back replaces exactly this string. */
  readonly path: JsonPath;
  /** For tool results: the name of the tool that produced it (when the call is in the request). */
  readonly toolName?: string;
  /** For tool results: the call's arguments as the model wrote them (a JSON string). */
  readonly toolArgs?: string;
  /** For tool results: the id linking the result to its call. */
  readonly toolCallId?: string;
  /**
   * What the agent was after when this text arrived: for a tool result, the call's name and
   * arguments plus the last user text before it; for other text, the last user text before it.
   */
  readonly query: string;
  readonly flags: SegmentFlags;
}

/** A wire request read into segments. The original request object is never mutated. */
export interface RequestView<R = unknown> {
  readonly format: WireFormat;
  readonly request: R;
  readonly model: string | undefined;
  readonly segments: readonly Segment[];
}
