import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { isRecord, rewriteEvent } from '../shared.js';
import { eventJson, type SseEvent } from '../sse.js';
import { CHAT_USAGE, withFirstInput } from '../usage.js';

/** A Chat Completions stream's error: a chunk carrying `error`, then `[DONE]`, as the SDKs raise it. */
export const chatStreamError = (message: string, type = 'upstream_error') =>
  `data: ${JSON.stringify({ error: { message, type, param: null, code: null } })}\n\ndata: [DONE]\n\n`;

interface ToolCallDraft {
  id: string;
  name: string;
  arguments: string;
}

/**
 * OpenAI Chat Completions chunks. Only the first choice is followed (a request for several
 * choices is relayed without retrieval). A continuation's chunks carry the first turn's chunk id
 * and no second `role`, so the client reads one completion; the client's tool calls in it start
 * again from index 0, as it has seen none before.
 */
export class OpenAIChatTurn implements StreamTurn {
  private readonly calls = new Map<number, ToolCallDraft>();
  private readonly held: string[] = [];
  private holding = false;
  private text = '';

  /** `first`: the id of the completion the client is receiving and its usage, set by the first turn. */
  constructor(
    private readonly first: { id?: string; usage?: unknown },
    private readonly continuation = false,
  ) {}

  get retrieves(): boolean {
    return [...this.calls.values()].some((c) => c.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    if (data && 'error' in data) return [...this.held.splice(0), event.raw];
    if (data && typeof data.id === 'string' && this.first.id === undefined) this.first.id = data.id;
    if (data && isRecord(data.usage) && !this.continuation) this.first.usage = data.usage;
    const choice = Array.isArray(data?.choices) ? (data.choices[0] as Record<string, unknown> | undefined) : undefined;
    const delta = choice?.delta as Record<string, unknown> | undefined;
    const out = this.continuation && data ? this.asFirst(event, data, choice, delta) : event.raw;
    if (typeof delta?.content === 'string') this.text += delta.content;
    if (Array.isArray(delta?.tool_calls)) {
      this.holding = true;
      for (const call of delta.tool_calls as Record<string, unknown>[]) {
        const index = typeof call.index === 'number' ? call.index : 0;
        const draft = this.calls.get(index) ?? { id: '', name: '', arguments: '' };
        const fn = (call.function ?? {}) as Record<string, unknown>;
        if (typeof call.id === 'string') draft.id = call.id;
        if (typeof fn.name === 'string') draft.name += fn.name;
        if (typeof fn.arguments === 'string') draft.arguments += fn.arguments;
        this.calls.set(index, draft);
      }
    }
    if (this.holding) {
      this.held.push(out);
      return [];
    }
    return out ? [out] : [];
  }

  /** A continuation's chunk under the first turn's id, without a second `role` (nothing left of it: dropped). */
  private asFirst(
    event: SseEvent,
    data: Record<string, unknown>,
    choice: Record<string, unknown> | undefined,
    delta: Record<string, unknown> | undefined,
  ): string {
    const next: Record<string, unknown> = { ...data, ...(this.first.id ? { id: this.first.id } : {}) };
    // The usage chunk shows the client's own context, not the round's prompt (see usage.ts).
    if (isRecord(data.usage)) next.usage = withFirstInput(data.usage, this.first.usage, CHAT_USAGE);
    if (delta && 'role' in delta) {
      const { role: _role, ...rest } = delta;
      const emptied = Object.keys(rest).length === 0 || (Object.keys(rest).length === 1 && rest.content === '');
      if (emptied && !choice?.finish_reason && !isRecord(data.usage)) return '';
      next.choices = [{ ...choice, delta: rest }, ...(data.choices as unknown[]).slice(1)];
    }
    return rewriteEvent(event, next);
  }

  reply(): Record<string, unknown> {
    const toolCalls = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, c]) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
    return { choices: [{ message: { role: 'assistant', content: this.text || null, tool_calls: toolCalls } }] };
  }

  flush(): string[] {
    return this.held.splice(0);
  }
}

/** A Chat Completions stream across retrieve rounds: one completion id, one `role`. */
export function openAIChatStreamReply(): StreamReply {
  const first: { id?: string; usage?: unknown } = {};
  let turns = 0;
  return { nextTurn: () => new OpenAIChatTurn(first, turns++ > 0), error: chatStreamError };
}
