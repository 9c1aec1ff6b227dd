import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { isRecord, rewriteEvent } from '../shared.js';
import { eventJson, type SseEvent } from '../sse.js';
import { GEMINI_USAGE, withFirstInput } from '../usage.js';
import { field } from './parse.js';

/** The parts of a response chunk's first candidate. */
export function partsOf(chunk: unknown): Record<string, unknown>[] {
  const candidate = isRecord(chunk) && Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
  const content = isRecord(candidate) ? candidate.content : undefined;
  return isRecord(content) && Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
}

export const callOf = (part: Record<string, unknown>) => {
  const call = field(part, 'functionCall', 'function_call').value;
  return isRecord(call) && typeof call.name === 'string' ? call : undefined;
};

/**
 * Gemini `streamGenerateContent?alt=sse`: each event a whole response chunk whose parts add to
 * the turn. Only the first candidate is followed. From the first chunk that carries a function
 * call on, chunks are held; a continuation's chunks go out as they come (a Gemini stream has no
 * indices or sequence numbers to carry on).
 */
export class GeminiTurn implements StreamTurn {
  private readonly parts: Record<string, unknown>[] = [];
  private readonly held: string[] = [];
  private holding = false;

  /** `first`: the first turn's usage, the client's context as it was sent. */
  constructor(
    private readonly first: { usage?: unknown } = {},
    private readonly continuation = false,
  ) {}

  get retrieves(): boolean {
    return this.parts.some((p) => callOf(p)?.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    if (data && 'error' in data) return [...this.held.splice(0), event.raw];
    const parts = partsOf(data);
    this.parts.push(...parts);
    if (parts.some((p) => callOf(p))) this.holding = true;
    let out = event.raw;
    if (data && isRecord(data.usageMetadata)) {
      if (!this.continuation) this.first.usage ??= data.usageMetadata;
      // The usage shows the client's own context, not the round's prompt (see usage.ts).
      else
        out = rewriteEvent(event, {
          ...data,
          usageMetadata: withFirstInput(data.usageMetadata, this.first.usage, GEMINI_USAGE),
        });
    }
    if (this.holding) {
      this.held.push(out);
      return [];
    }
    return [out];
  }

  reply(): Record<string, unknown> {
    return { candidates: [{ content: { role: 'model', parts: this.parts } }] };
  }

  flush(): string[] {
    return this.held.splice(0);
  }
}

/** A Gemini stream's error: a chunk carrying Google's error object, with the upstream's status kept. */
export const geminiStreamError = (message: string, type = 'UNAVAILABLE') =>
  `data: ${JSON.stringify({ error: { code: 502, message, status: type } })}\n\n`;

export function geminiStreamReply(): StreamReply {
  const first: { usage?: unknown } = {};
  let turns = 0;
  return { nextTurn: () => new GeminiTurn(first, turns++ > 0), error: geminiStreamError };
}
