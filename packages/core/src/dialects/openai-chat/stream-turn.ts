import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { eventJson, type SseEvent } from '../sse.js';

interface ToolCallDraft {
  id: string;
  name: string;
  arguments: string;
}

/**
 * OpenAI Chat Completions chunks. Only the first choice is followed (a request for several
 * choices is relayed without retrieval). A continuation's chunks go out as they come; the
 * client's tool calls in it start again from index 0, as it has seen none before.
 */
export class OpenAIChatTurn implements StreamTurn {
  private readonly calls = new Map<number, ToolCallDraft>();
  private readonly held: string[] = [];
  private holding = false;
  private text = '';

  get retrieves(): boolean {
    return [...this.calls.values()].some((c) => c.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    if (data && 'error' in data) return [...this.held.splice(0), event.raw];
    const choice = Array.isArray(data?.choices) ? (data.choices[0] as Record<string, unknown> | undefined) : undefined;
    const delta = choice?.delta as Record<string, unknown> | undefined;
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
      this.held.push(event.raw);
      return [];
    }
    return [event.raw];
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

/** A Chat Completions stream across retrieve rounds: each turn's chunks go out as they are. */
export function openAIChatStreamReply(): StreamReply {
  return { nextTurn: () => new OpenAIChatTurn() };
}
