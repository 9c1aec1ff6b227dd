import { createMemoryStore } from '@headroom/ccr';
import {
  argsToText,
  type CompressionPolicy,
  FirstSightCache,
  type FirstSightMemory,
  type Store,
  type ToolCallInfo,
  toolResultQuery,
} from '@headroom/core';
import { compressText } from '@headroom/crushers';
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';

export interface CompressMessagesOptions {
  /** Where originals go, so markers carry keys. Without one, omissions are counted without a key. */
  readonly store?: Store;
  /** Keeps each tool message's first compressed form, so history stays byte-identical. Default: a shared in-process cache. */
  readonly firstSight?: FirstSightMemory;
  readonly policy?: Partial<CompressionPolicy>;
}

export interface MessageFigures {
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  /** Keys of the originals the markers point at. */
  readonly keys: readonly string[];
}

const sharedFirstSight = new FirstSightCache();

/**
 * Compresses the tool messages of a conversation: each one's text, with the tool call that
 * produced it and the user's latest words as the query. Other messages — and every field of a
 * tool message besides its text — are kept as they are. The input is never mutated.
 *
 * @example
 * const { messages } = await compressMessages(history, { store })
 */
export async function compressMessages(
  messages: readonly BaseMessage[],
  options: CompressMessagesOptions = {},
): Promise<{ messages: BaseMessage[]; figures: MessageFigures }> {
  const firstSight = options.firstSight ?? sharedFirstSight;
  const calls = new Map<string, ToolCallInfo>();
  let userText = '';
  let tokensBefore = 0;
  let tokensAfter = 0;
  const keys: string[] = [];
  const out: BaseMessage[] = [];
  for (const message of messages) {
    if (HumanMessage.isInstance(message)) userText = message.text || userText;
    if (AIMessage.isInstance(message))
      for (const call of message.tool_calls ?? [])
        if (call.id) calls.set(call.id, { name: call.name, args: argsToText(call.args) });
    if (!ToolMessage.isInstance(message) || typeof message.content !== 'string') {
      out.push(message);
      continue;
    }
    const result = await compressText(message.content, {
      query: toolResultQuery(calls.get(message.tool_call_id), userText),
      ...(message.name ? { toolName: message.name } : {}),
      ...(options.store ? { store: options.store } : {}),
      firstSight,
      ...(options.policy ? { policy: options.policy } : {}),
    });
    tokensBefore += result.tokensBefore;
    tokensAfter += result.tokensAfter;
    keys.push(...result.ccrKeys);
    out.push(
      result.text === message.content
        ? message
        : new ToolMessage({
            content: result.text,
            tool_call_id: message.tool_call_id,
            ...(message.name ? { name: message.name } : {}),
            ...(message.id ? { id: message.id } : {}),
            ...(message.status ? { status: message.status } : {}),
            artifact: message.artifact,
            additional_kwargs: message.additional_kwargs,
            response_metadata: message.response_metadata,
          }),
    );
  }
  return { messages: out, figures: { tokensBefore, tokensAfter, keys } };
}

/** A store in this process's memory, for wrappers given none. */
export function defaultStore(): Store {
  return createMemoryStore();
}
