import {
  RETRIEVE_TOOL_NAME,
  type RoundConversation,
  retrieveToolDefinition,
  runRetrieveRounds,
  type StreamConversation,
  streamRetrieveRounds,
  type TurnConversation,
  type TurnFollower,
} from '@headroom/ccr';
import { offersRetrieveTool, type Store } from '@headroom/core';
import type { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { CallbackManager, type CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import {
  AIMessage,
  AIMessageChunk,
  type BaseMessage,
  type BaseMessageLike,
  coerceMessageLikeToMessage,
  HumanMessage,
  ToolMessage,
  type UsageMetadata,
} from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import { type Runnable, RunnableLambda } from '@langchain/core/runnables';
import {
  type CompressMessagesOptions,
  compressMessages,
  defaultStore,
  type MessageFigures,
} from './compress-messages.js';

export interface HeadroomChatModelFields extends BaseChatModelParams, CompressMessagesOptions {
  /** The chat model that answers. */
  readonly model: BaseChatModel;
  /** The application's tools, as given to `bindTools`. */
  readonly tools?: BindToolsInput[];
  readonly toolKwargs?: Partial<BaseChatModelCallOptions>;
}

/** A reply's token usage, as LangChain reports it. */
type Usage = UsageMetadata | undefined;

/**
 * A message's usage. LangChain 1.x types `usage_metadata` per message structure (as `undefined`
 * for the default one), though chat models set it: it is read and written through these two.
 */
function usageOf(message: AIMessageChunk | undefined): Usage {
  return (message as { usage_metadata?: UsageMetadata } | undefined)?.usage_metadata;
}
function chunkOf(fields: Record<string, unknown>): AIMessageChunk {
  return new AIMessageChunk(fields as ConstructorParameters<typeof AIMessageChunk>[0]);
}

/** Figures reported on each reply's `response_metadata.headroom` and the run's `llmOutput.headroom`. */
export interface HeadroomRunFigures extends MessageFigures {
  readonly retrieveRounds: number;
}

const RETRIEVE_TOOL = retrieveToolDefinition('openai');

/**
 * Wraps any LangChain.js chat model: tool messages are compressed in-process before the inner
 * model sees them; the model is offered `headroom_retrieve` (by the rule of `offersRetrieveTool`)
 * and its calls are answered here, so the chain never sees them. `invoke`, `stream`, `batch`,
 * `bindTools` and `withStructuredOutput` keep working; callbacks reach the inner model's run.
 *
 * @example
 * const model = new HeadroomChatModel({ model: new ChatOpenAI({ model: 'gpt-4o' }) }).bindTools(tools)
 * const reply = await model.invoke(messages)
 */
export class HeadroomChatModel extends BaseChatModel {
  readonly inner: BaseChatModel;
  private readonly fields: HeadroomChatModelFields & { readonly store: Store };

  static override lc_name(): string {
    return 'HeadroomChatModel';
  }

  constructor(fields: HeadroomChatModelFields) {
    super(fields);
    this.inner = fields.model;
    this.fields = { ...fields, store: fields.store ?? defaultStore() };
  }

  override _llmType(): string {
    return 'headroom';
  }

  override bindTools(tools: BindToolsInput[], kwargs?: Partial<BaseChatModelCallOptions>): HeadroomChatModel {
    return new HeadroomChatModel({ ...this.fields, tools, ...(kwargs ? { toolKwargs: kwargs } : {}) });
  }

  /**
   * Structured output goes through the inner model's own implementation (native JSON schema
   * where it has one), after the messages are compressed. Markers there carry no key: a
   * structured call cannot also call a tool.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the base class's overloads are generic over the schema
  override withStructuredOutput(outputSchema: any, config?: any): any {
    const structured = this.inner.withStructuredOutput(outputSchema, config);
    const { store: _store, ...withoutStore } = this.fields;
    return RunnableLambda.from(
      async (input: BaseLanguageModelInput) => (await compressMessages(toMessages(input), withoutStore)).messages,
    ).pipe(structured);
  }

  override async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const { history, model, figures } = await this.prepare(messages);
    const config = { ...options, callbacks: childCallbacks(runManager) };
    const conversation: TurnConversation<BaseMessage[], AIMessageChunk> = {
      ...messageRounds(),
      ask: (next) => model.invoke(next, config),
    };
    const first = await model.invoke(history, config);
    const { turn: reply, rounds } = await runRetrieveRounds(conversation, history, first, { store: this.fields.store });
    const headroom: HeadroomRunFigures = { ...figures, retrieveRounds: rounds };
    const usage = shownUsage(usageOf(first), usageOf(reply));
    const message = chunkOf({
      content: reply.content,
      tool_calls: reply.tool_calls ?? [],
      ...(reply.id ? { id: reply.id } : {}),
      ...(usage ? { usage_metadata: usage } : {}),
      additional_kwargs: reply.additional_kwargs,
      response_metadata: { ...reply.response_metadata, headroom },
    });
    return { generations: [{ text: message.text, message }], llmOutput: { headroom } };
  }

  override async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const { history, model, figures } = await this.prepare(messages);
    const config = { ...options, callbacks: childCallbacks(runManager) };
    /** The first turn's usage: what the caller is shown as its context's size (see `shownUsage`). */
    let firstUsage: Usage;
    const conversation: StreamConversation<BaseMessage[], AIMessageChunk, AIMessageChunk, AIMessageChunk> = {
      ...messageRounds(),
      nextTurn: (round) =>
        followTurn(
          (whole) => {
            if (round === 0) firstUsage = usageOf(whole);
          },
          round > 0 ? () => firstUsage : undefined,
        ),
      ask: (next) => model.stream(next, config),
      fail: (error) => {
        throw error;
      },
    };
    const chunks = streamRetrieveRounds(conversation, history, await model.stream(history, config), {
      store: this.fields.store,
    });
    let next = await chunks.next();
    for (; !next.done; next = await chunks.next()) {
      yield new ChatGenerationChunk({ message: next.value, text: next.value.text });
      await runManager?.handleLLMNewToken(next.value.text);
    }
    const headroom: HeadroomRunFigures = { ...figures, retrieveRounds: next.value };
    yield new ChatGenerationChunk({
      message: new AIMessageChunk({ content: '', response_metadata: { headroom } }),
      text: '',
    });
  }

  /** Compressed messages, and the inner model as this call uses it. */
  private async prepare(messages: BaseMessage[]) {
    const { messages: history, figures } = await compressMessages(messages, this.fields);
    const own = this.fields.tools ?? [];
    const offer = offersRetrieveTool(own.length > 0, figures.keys.length) && typeof this.inner.bindTools === 'function';
    const tools = [...own, ...(offer ? [RETRIEVE_TOOL] : [])];
    const model: Runnable<BaseLanguageModelInput, AIMessageChunk> =
      tools.length && this.inner.bindTools ? this.inner.bindTools(tools, this.fields.toolKwargs) : this.inner;
    return { history, model, figures };
  }
}

function retrieveCalls(message: AIMessage | AIMessageChunk) {
  return (message.tool_calls ?? []).filter((call) => call.name === RETRIEVE_TOOL_NAME);
}

/**
 * The messages' side of a retrieve round: the calls in a reply, and the next input — the history,
 * the model's turn with only its retrieve calls (calls of the application's tools in the same turn
 * are left for the model to make again once it has read the originals), and the answers.
 */
function messageRounds(): RoundConversation<BaseMessage[], AIMessageChunk> {
  return {
    retrieveCalls: (reply) => retrieveCalls(reply).map((call) => ({ id: call.id ?? '', args: call.args })),
    followUp: (history, reply, answered) => [
      ...history,
      new AIMessage({ content: reply.content, tool_calls: retrieveCalls(reply) }),
      ...answered.map(
        ({ call, answer }) =>
          new ToolMessage({
            content: answer.text,
            tool_call_id: call.id,
            name: RETRIEVE_TOOL_NAME,
            status: answer.isError ? 'error' : 'success',
          }),
      ),
    ],
  };
}

/**
 * Follows one streamed turn: text streams as it comes; from the turn's first tool call chunk on,
 * chunks wait for the turn's end, when it is known whether the model called headroom_retrieve.
 * After a round, the usage the caller is shown keeps the first turn's input (`firstUsage`).
 */
function followTurn(
  ended: (whole: AIMessageChunk | undefined) => void,
  firstUsage?: () => Usage,
): TurnFollower<AIMessageChunk, AIMessageChunk, AIMessageChunk> {
  const held: AIMessageChunk[] = [];
  let whole: AIMessageChunk | undefined;
  const shown = (chunk: AIMessageChunk) => {
    const own = usageOf(chunk);
    const usage = firstUsage && own ? shownUsage(firstUsage(), own) : undefined;
    if (!usage) return chunk;
    return chunkOf({
      content: chunk.content,
      ...(chunk.id ? { id: chunk.id } : {}),
      tool_call_chunks: chunk.tool_call_chunks ?? [],
      additional_kwargs: chunk.additional_kwargs,
      response_metadata: chunk.response_metadata,
      usage_metadata: usage,
    });
  };
  return {
    see(chunk) {
      whole = whole ? whole.concat(chunk) : chunk;
      if (chunk.tool_call_chunks?.length || held.length) {
        held.push(chunk);
        return [];
      }
      return [shown(chunk)];
    },
    turn() {
      ended(whole);
      return whole ?? new AIMessageChunk({ content: '' });
    },
    flush: () => held.map(shown),
  };
}

/**
 * The usage a caller is shown after retrieve rounds: agents read a reply's input tokens as the
 * size of their context, so it keeps the first turn's input (the caller's own context) and the
 * last turn's output; what every round cost is in the figures, not here.
 */
function shownUsage(first: Usage, last: Usage): Usage {
  if (!first || !last || first === last) return last;
  const { input_token_details, ...rest } = last;
  return {
    ...rest,
    input_tokens: first.input_tokens,
    ...(first.input_token_details ? { input_token_details: first.input_token_details } : {}),
    total_tokens: first.input_tokens + last.output_tokens,
  };
}

/** Whatever a chat model takes as input, as messages. */
function toMessages(input: BaseLanguageModelInput): BaseMessage[] {
  if (typeof input === 'string') return [new HumanMessage(input)];
  if (Array.isArray(input)) return input.map((m) => coerceMessageLikeToMessage(m as BaseMessageLike));
  return input.toChatMessages();
}

/**
 * Callbacks for the inner model's run, as a child of this one (what other run managers'
 * `getChild` does): the application's handlers, tags and metadata reach it.
 */
function childCallbacks(runManager?: CallbackManagerForLLMRun): CallbackManager | undefined {
  if (!runManager) return undefined;
  const parent = runManager as unknown as {
    inheritableHandlers: BaseCallbackHandler[];
    inheritableTags: string[];
    inheritableMetadata: Record<string, unknown>;
  };
  const manager = new CallbackManager(runManager.runId);
  manager.setHandlers(parent.inheritableHandlers);
  manager.addTags(parent.inheritableTags);
  manager.addMetadata(parent.inheritableMetadata);
  return manager;
}
