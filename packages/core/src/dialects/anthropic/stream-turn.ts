import type { StreamReply, StreamTurn } from '../dialect.js';
import { RETRIEVE_TOOL_NAME } from '../retrieve-tool.js';
import { rewriteEvent } from '../shared.js';
import { eventJson, type SseEvent } from '../sse.js';
import { ANTHROPIC_USAGE, withFirstInput } from '../usage.js';

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
    /** The first turn's usage (its `message_start`), the client's context as it was sent. */
    private readonly first: { usage?: unknown } = {},
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
    if (type === 'message_start') {
      if (this.continuation) return [];
      this.first.usage = (data.message as Record<string, unknown> | undefined)?.usage;
      return [event.raw];
    }
    // A continuation's usage shows the client's own context, not the round's prompt (see usage.ts).
    if (type === 'message_delta' && this.continuation && data.usage)
      return this.pass(
        rewriteEvent(event, { ...data, usage: withFirstInput(data.usage, this.first.usage, ANTHROPIC_USAGE) }),
        type,
      );
    const index = typeof data.index === 'number' ? data.index : undefined;
    if (index !== undefined) this.track(data, index);
    if (type === 'content_block_start' && (data.content_block as Block | undefined)?.type === 'tool_use')
      this.holding = true;
    const out =
      index !== undefined && this.offset ? rewriteEvent(event, { ...data, index: index + this.offset }) : event.raw;
    return this.pass(out, type);
  }

  /** Held while the turn may still call headroom_retrieve; otherwise sent now. */
  private pass(out: string, type: unknown): string[] {
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
}

/** An Anthropic stream across retrieve rounds: each continuation's blocks follow those the client has. */
export function anthropicStreamReply(): StreamReply {
  let last: AnthropicTurn | undefined;
  const first: { usage?: unknown } = {};
  return {
    nextTurn() {
      last = last ? new AnthropicTurn(true, last.clientBlocks, first) : new AnthropicTurn(false, 0, first);
      return last;
    },
    error: anthropicStreamError,
  };
}

/** An Anthropic stream's `error` event, the upstream's error type kept. */
export const anthropicStreamError = (message: string, type = 'api_error') =>
  `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`;
