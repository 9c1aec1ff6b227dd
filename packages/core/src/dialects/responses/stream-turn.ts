import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { rewriteEvent } from '../shared.js';
import { eventJson, type SseEvent } from '../sse.js';

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
    return rewriteEvent(event, next);
  }
}

/**
 * A Responses stream across retrieve rounds: each continuation's items follow those the client
 * has, and its sequence numbers carry on from the last one the client saw.
 */
export function responsesStreamReply(): StreamReply {
  const sequence = { last: 0 };
  let last: ResponsesTurn | undefined;
  return {
    nextTurn() {
      last = last ? new ResponsesTurn(sequence, true, last.clientItems) : new ResponsesTurn(sequence);
      return last;
    },
  };
}
