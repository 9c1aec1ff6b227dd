import { handleRetrieveCall, RETRIEVE_TOOL_NAME, retrieveToolDefinition } from '@headroom/ccr';
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

/** Figures reported on each reply's `response_metadata.headroom` and the run's `llmOutput.headroom`. */
export interface HeadroomRunFigures extends MessageFigures {
  readonly retrieveRounds: number;
}

/** Retrieve rounds answered before the model's reply is given back as it is. */
const MAX_ROUNDS = 3;
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
    let current = history;
    let reply = await model.invoke(current, config);
    let rounds = 0;
    for (; rounds < MAX_ROUNDS && retrieveCalls(reply).length; rounds++) {
      current = [...current, ...(await this.answer(reply))];
      reply = await model.invoke(current, config);
    }
    const headroom: HeadroomRunFigures = { ...figures, retrieveRounds: rounds };
    const message = new AIMessageChunk({
      content: reply.content,
      tool_calls: reply.tool_calls ?? [],
      ...(reply.id ? { id: reply.id } : {}),
      ...(reply.usage_metadata ? { usage_metadata: reply.usage_metadata } : {}),
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
    let current = history;
    for (let round = 0; ; round++) {
      // Text streams as it comes; from a turn's first tool call chunk on, chunks wait for the
      // turn's end, when it is known whether the model called headroom_retrieve.
      const held: AIMessageChunk[] = [];
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await model.stream(current, config)) {
        whole = whole ? whole.concat(chunk) : chunk;
        if (chunk.tool_call_chunks?.length || held.length) held.push(chunk);
        else {
          yield new ChatGenerationChunk({ message: chunk, text: chunk.text });
          await runManager?.handleLLMNewToken(chunk.text);
        }
      }
      if (!whole || !retrieveCalls(whole).length || round >= MAX_ROUNDS) {
        for (const chunk of held) yield new ChatGenerationChunk({ message: chunk, text: chunk.text });
        const headroom: HeadroomRunFigures = { ...figures, retrieveRounds: round };
        yield new ChatGenerationChunk({
          message: new AIMessageChunk({ content: '', response_metadata: { headroom } }),
          text: '',
        });
        return;
      }
      current = [...current, ...(await this.answer(whole))];
    }
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

  /**
   * The model's turn with only its retrieve calls (calls of the application's tools in the same
   * turn are left for the model to make again once it has read the originals), and the answers.
   */
  private async answer(reply: AIMessageChunk | AIMessage): Promise<BaseMessage[]> {
    const calls = retrieveCalls(reply);
    const answers = await Promise.all(
      calls.map(async (call) => {
        const result = await handleRetrieveCall(this.fields.store, call.args);
        return new ToolMessage({
          content: result.text,
          tool_call_id: call.id ?? '',
          name: RETRIEVE_TOOL_NAME,
          status: result.isError ? 'error' : 'success',
        });
      }),
    );
    return [new AIMessage({ content: reply.content, tool_calls: calls }), ...answers];
  }
}

function retrieveCalls(message: AIMessage | AIMessageChunk) {
  return (message.tool_calls ?? []).filter((call) => call.name === RETRIEVE_TOOL_NAME);
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
