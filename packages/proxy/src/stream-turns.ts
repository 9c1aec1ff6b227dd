import { RETRIEVE_TOOL_NAME } from '@headroom/ccr';
import { eventJson, type SseEvent } from './sse.js';

/**
 * Follows one streamed model turn on its way to the client. Text and thinking go out as they
 * arrive; from the first tool call on, events are held until the turn ends, because only then is
 * it known whether the model called `headroom_retrieve`. If it did, the held events are dropped
 * and the proxy continues the turn upstream; if not, they go out exactly as received.
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

type Block = Record<string, unknown> & { type?: string; name?: string };

/**
 * Anthropic Messages: content blocks with an index. A continuation's `message_start` is dropped
 * (the client already has one) and its block indices are moved past the blocks the client has.
 */
export class AnthropicTurn implements StreamTurn {
  private readonly blocks = new Map<number, Block>();
  private readonly json = new Map<number, string>();
  private readonly held: string[] = [];
  private holding = false;
  private forwardedBlocks = 0;

  /**
   * `continuation`: whether this turn continues one the client is already receiving, with
   * `offset` blocks received so far.
   */
  constructor(
    private readonly continuation = false,
    private readonly offset = 0,
  ) {}

  /** Blocks the client has after this turn, when the turn is continued. */
  get clientBlocks(): number {
    return this.offset + this.forwardedBlocks;
  }

  get retrieves(): boolean {
    return [...this.blocks.values()].some((b) => b.type === 'tool_use' && b.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    const type = data?.type;
    // Keep-alives pass at once; an upstream error ends the turn, so what was held goes out first.
    if (!data || type === 'ping') return [event.raw];
    if (type === 'error') return [...this.held.splice(0), event.raw];
    if (type === 'message_start') return this.continuation ? [] : [event.raw];
    const index = typeof data.index === 'number' ? data.index : undefined;
    if (index !== undefined) this.track(data, index);
    if (type === 'content_block_start' && (data.content_block as Block | undefined)?.type === 'tool_use')
      this.holding = true;
    const out = index !== undefined && this.offset ? this.reindexed(event, data, index) : event.raw;
    if (this.holding) {
      this.held.push(out);
      return [];
    }
    if (type === 'content_block_start') this.forwardedBlocks++;
    return [out];
  }

  reply(): Record<string, unknown> {
    return { content: [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, block]) => block) };
  }

  flush(): string[] {
    return this.held.splice(0);
  }

  /** Builds each block from its start and deltas, the way the SDKs accumulate a message. */
  private track(data: Record<string, unknown>, index: number): void {
    if (data.type === 'content_block_start') {
      this.blocks.set(index, { ...(data.content_block as Block) });
      return;
    }
    const block = this.blocks.get(index);
    if (!block) return;
    if (data.type === 'content_block_stop') {
      const partial = this.json.get(index);
      if (partial !== undefined) {
        try {
          block.input = JSON.parse(partial || '{}');
        } catch {
          block.input = {};
        }
      }
      return;
    }
    const delta = data.delta as Record<string, unknown> | undefined;
    if (data.type !== 'content_block_delta' || !delta) return;
    const append = (field: string, value: unknown) => {
      block[field] = `${typeof block[field] === 'string' ? block[field] : ''}${String(value ?? '')}`;
    };
    if (delta.type === 'text_delta') append('text', delta.text);
    else if (delta.type === 'thinking_delta') append('thinking', delta.thinking);
    else if (delta.type === 'signature_delta') append('signature', delta.signature);
    else if (delta.type === 'input_json_delta')
      this.json.set(index, `${this.json.get(index) ?? ''}${String(delta.partial_json ?? '')}`);
    else if (delta.type === 'citations_delta')
      block.citations = [...(Array.isArray(block.citations) ? block.citations : []), delta.citation];
  }

  private reindexed(event: SseEvent, data: Record<string, unknown>, index: number): string {
    const separator = /\r?\n\r?\n$/.exec(event.raw)?.[0] ?? '\n\n';
    const name = event.event ? `event: ${event.event}\n` : '';
    return `${name}data: ${JSON.stringify({ ...data, index: index + this.offset })}${separator}`;
  }
}

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
export class OpenAITurn implements StreamTurn {
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

/**
 * OpenAI Responses API events. A continuation's `response.created` and `response.in_progress`
 * are dropped (the client already has them), its `output_index` values move past the items the
 * client has, and its `sequence_number` values carry on from the last one the client saw.
 */
export class ResponsesTurn implements StreamTurn {
  private readonly items = new Map<number, Record<string, unknown>>();
  private readonly held: string[] = [];
  private holding = false;
  private forwardedItems = 0;

  /**
   * `sequence`: the last sequence number the client saw, carried from round to round;
   * `continuation`: whether this turn continues one the client is already receiving, with
   * `offset` output items received so far.
   */
  constructor(
    private readonly sequence: { last: number },
    private readonly continuation = false,
    private readonly offset = 0,
  ) {}

  get clientItems(): number {
    return this.offset + this.forwardedItems;
  }

  get retrieves(): boolean {
    return [...this.items.values()].some((i) => i.type === 'function_call' && i.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    const type = data?.type;
    if (!data) return [event.raw];
    if (type === 'error') return [...this.held.splice(0), event.raw];
    if (this.continuation && (type === 'response.created' || type === 'response.in_progress')) return [];
    const index = typeof data.output_index === 'number' ? data.output_index : undefined;
    const item = data.item as Record<string, unknown> | undefined;
    if (type === 'response.output_item.added' && item?.type === 'function_call') this.holding = true;
    if (type === 'response.output_item.done' && index !== undefined && item) this.items.set(index, item);
    const out = this.continuation ? this.renumbered(event, data, index) : event.raw;
    if (!this.continuation && typeof data.sequence_number === 'number') this.sequence.last = data.sequence_number;
    if (this.holding) {
      this.held.push(out);
      return [];
    }
    if (type === 'response.output_item.added') this.forwardedItems++;
    return [out];
  }

  reply(): Record<string, unknown> {
    return { output: [...this.items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item) };
  }

  flush(): string[] {
    return this.held.splice(0);
  }

  private renumbered(event: SseEvent, data: Record<string, unknown>, index: number | undefined): string {
    const next = { ...data };
    if (index !== undefined) next.output_index = index + this.offset;
    if (typeof data.sequence_number === 'number') next.sequence_number = ++this.sequence.last;
    const separator = /\r?\n\r?\n$/.exec(event.raw)?.[0] ?? '\n\n';
    return `${event.event ? `event: ${event.event}\n` : ''}data: ${JSON.stringify(next)}${separator}`;
  }
}
