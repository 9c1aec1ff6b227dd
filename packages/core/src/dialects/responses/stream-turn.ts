import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { isRecord, rewriteEvent } from '../shared.js';
import { eventJson, type SseEvent } from '../sse.js';
import { RESPONSES_USAGE, withFirstInput } from '../usage.js';

/** What the client has of one streamed response, carried from turn to turn. */
interface ClientSide {
  /** The last sequence number the client was sent. */
  lastSequence: number;
  /** The id of the response the client is receiving (the first turn's). */
  responseId: string | undefined;
  /** Output items the client received whole, in its order. */
  readonly items: Record<string, unknown>[];
  /** The first turn's usage: the client's context as it was sent. */
  usage?: unknown;
}

/**
 * OpenAI Responses API events. A continuation's `response.created` and `response.in_progress`
 * are dropped (the client already has them); its `output_index` values move past the items the
 * client has; its sequence numbers carry on from the last one the client was sent (held events
 * are numbered only when they go out, so dropped ones leave no gap); its response carries the
 * first turn's id, and its `response.completed` lists every item the client received — so an
 * SDK's final response holds everything that was streamed.
 */
export class ResponsesTurn implements StreamTurn {
  private readonly items = new Map<number, Record<string, unknown>>();
  private readonly held: { event: SseEvent; data: Record<string, unknown> }[] = [];
  private holding = false;
  private readonly before: number;

  constructor(
    private readonly client: ClientSide,
    private readonly continuation = false,
  ) {
    this.before = client.items.length;
  }

  get retrieves(): boolean {
    return [...this.items.values()].some((i) => i.type === 'function_call' && i.name === RETRIEVE_TOOL_NAME);
  }

  see(event: SseEvent): string[] {
    const data = eventJson(event);
    const type = data?.type;
    if (!data) return [event.raw];
    if (type === 'error') return [...this.flush(), this.send(event, data)];
    if (this.continuation && (type === 'response.created' || type === 'response.in_progress')) return [];
    if (!this.continuation && type === 'response.created' && isRecord(data.response))
      this.client.responseId = String(data.response.id);
    if (!this.continuation && type === 'response.completed' && isRecord(data.response))
      this.client.usage = data.response.usage;
    const index = typeof data.output_index === 'number' ? data.output_index : undefined;
    const item = data.item as Record<string, unknown> | undefined;
    if (type === 'response.output_item.added' && item?.type === 'function_call') this.holding = true;
    if (type === 'response.output_item.done' && index !== undefined && item) this.items.set(index, item);
    if (this.holding) {
      this.held.push({ event, data });
      return [];
    }
    return [this.send(event, data)];
  }

  reply(): Record<string, unknown> {
    return { output: [...this.items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item) };
  }

  flush(): string[] {
    return this.held.splice(0).map(({ event, data }) => this.send(event, data));
  }

  /** An event as the client gets it: numbered on from what it has, and (continued) moved past its items. */
  private send(event: SseEvent, data: Record<string, unknown>): string {
    const type = data.type;
    if (type === 'response.output_item.done' && isRecord(data.item)) this.client.items.push(data.item);
    if (!this.continuation) {
      if (typeof data.sequence_number === 'number') this.client.lastSequence = data.sequence_number;
      return event.raw;
    }
    const next = { ...data };
    if (typeof data.output_index === 'number') next.output_index = data.output_index + this.before;
    if (typeof data.sequence_number === 'number') next.sequence_number = ++this.client.lastSequence;
    if (isRecord(data.response)) {
      const response: Record<string, unknown> = {
        ...data.response,
        ...(this.client.responseId ? { id: this.client.responseId } : {}),
      };
      if (type === 'response.completed' && Array.isArray(data.response.output))
        response.output = [...this.client.items.slice(0, this.before), ...data.response.output];
      // The usage shows the client's own context, not the round's prompt (see usage.ts).
      if (isRecord(data.response.usage))
        response.usage = withFirstInput(data.response.usage, this.client.usage, RESPONSES_USAGE);
      next.response = response;
    }
    return rewriteEvent(event, next);
  }
}

/** A Responses stream across retrieve rounds (see `ResponsesTurn`). */
export function responsesStreamReply(): StreamReply {
  const client: ClientSide = { lastSequence: -1, responseId: undefined, items: [] };
  let turns = 0;
  return {
    nextTurn: () => new ResponsesTurn(client, turns++ > 0),
    error: (message, type = 'upstream_error') =>
      `event: error\ndata: ${JSON.stringify({ type: 'error', code: type, message, param: null, sequence_number: ++client.lastSequence })}\n\n`,
  };
}
