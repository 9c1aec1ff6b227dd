import { createMemoryStore } from '@headroom/ccr';
import { FirstSightCache, type Store } from '@headroom/core';
import { compress } from '@headroom/crushers';

export interface ToolTurn {
  readonly question: string;
  readonly toolName: string;
  readonly toolArgs: Record<string, unknown>;
  readonly content: string;
}

export interface CompressedTurn {
  /** The tool result as the model now reads it. */
  readonly text: string;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly ms: number;
  readonly keys: readonly string[];
  readonly store: Store;
  /** The request as the agent built it, and as Headroom would send it (for online runs). */
  readonly original: Record<string, unknown>;
  readonly compressed: Record<string, unknown>;
}

const SYSTEM = 'You are an engineering agent. Use the tools, then answer the user precisely.';

/**
 * A realistic agent request — the user's question, the assistant's tool call, the tool's result —
 * compressed by the assembled pipeline (every crusher, a reversible store), cold: nothing is
 * remembered from one case to the next.
 */
export async function compressToolTurn(turn: ToolTurn): Promise<CompressedTurn> {
  const store = createMemoryStore();
  const request = {
    model: 'gpt-4o',
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: turn.question },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: turn.toolName, arguments: JSON.stringify(turn.toolArgs) },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: turn.content },
    ],
  };
  const started = performance.now();
  const result = await compress(request, { store, firstSight: new FirstSightCache() });
  const ms = performance.now() - started;
  const tool = result.transforms.find((t) => t.segment === 2);
  return {
    text: (result.request.messages[3] as { content: string }).content,
    tokensBefore: tool?.tokensBefore ?? 0,
    tokensAfter: tool?.tokensAfter ?? 0,
    ms: Math.round(ms * 100) / 100,
    keys: result.ccrKeys,
    store,
    original: request,
    compressed: result.request,
  };
}
