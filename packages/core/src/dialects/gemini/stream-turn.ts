import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { isRecord } from '../shared.js';
import { eventJson, type SseEvent } from '../sse.js';
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

  get retrieves(): boolean {
    return this.parts.some((p) => callOf(p)?.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    if (data && 'error' in data) return [...this.held.splice(0), event.raw];
    const parts = partsOf(data);
    this.parts.push(...parts);
    if (parts.some((p) => callOf(p))) this.holding = true;
    if (this.holding) {
      this.held.push(event.raw);
      return [];
    }
    return [event.raw];
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
  return { nextTurn: () => new GeminiTurn(), error: geminiStreamError };
}
