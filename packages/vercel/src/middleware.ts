import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
  LanguageModelV3Middleware,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { createMemoryStore, handleRetrieveCall, RETRIEVE_TOOL_NAME, retrieveToolDefinition } from '@headroom/ccr';
import {
  argsToText,
  type CompressionPolicy,
  FirstSightCache,
  type FirstSightMemory,
  offersRetrieveTool,
  type Store,
  type ToolCallInfo,
  toolResultQuery,
} from '@headroom/core';
import { compressText } from '@headroom/crushers';

export interface HeadroomFigures {
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  /** Keys of the originals the markers point at. */
  readonly keys: readonly string[];
  /** Retrieve rounds answered inside the middleware for this call. */
  readonly retrieveRounds: number;
}

export interface HeadroomMiddlewareOptions {
  /** Where originals go. Default: a store in this process's memory. */
  readonly store?: Store;
  /** Keeps each tool result's first compressed form, so history stays byte-identical across calls. */
  readonly firstSight?: FirstSightMemory;
  readonly policy?: Partial<CompressionPolicy>;
  /** Called once per model call with its figures (also on `providerMetadata.headroom`). */
  readonly onCompression?: (figures: HeadroomFigures) => void;
}

/** Retrieve rounds answered before the model's turn is given to the caller as it is. */
const MAX_ROUNDS = 3;

const RETRIEVE_TOOL = (() => {
  const openai = retrieveToolDefinition('openai') as { function: { description: string; parameters: object } };
  return {
    type: 'function' as const,
    name: RETRIEVE_TOOL_NAME,
    description: openai.function.description,
    inputSchema: openai.function.parameters as Record<string, unknown>,
  };
})();

/**
 * What `headroomMiddleware()` returns: a language-model middleware of specification v3, which
 * AI SDK 6 takes and AI SDK 7 takes too (it adapts v3 middleware to its v4 models). Its
 * functions are typed loosely on purpose: the SDK calls them, never the application, and each
 * SDK version types their arguments with its own specification — a v3 signature here would not
 * type-check against AI SDK 7's `wrapLanguageModel`, nor a v4 one against AI SDK 6's.
 */
export interface HeadroomMiddleware {
  readonly specificationVersion: 'v3';
  // biome-ignore lint/suspicious/noExplicitAny: called by either SDK version with its own specification's types
  readonly transformParams: (options: any) => PromiseLike<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly wrapGenerate: (options: any) => PromiseLike<any>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly wrapStream: (options: any) => PromiseLike<any>;
}

/**
 * A middleware for `wrapLanguageModel` (AI SDK 6 and 7): tool results
 * in the prompt are compressed in-process before the model sees them; the model is offered
 * `headroom_retrieve` (by the rule of `offersRetrieveTool`), and its calls are answered here — in `generateText`
 * and `streamText` alike — so the application never sees them. Figures are on
 * `providerMetadata.headroom` and go to `onCompression`.
 *
 * @example
 * const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: headroomMiddleware() })
 * const { text } = await generateText({ model, messages, tools })
 */
export function headroomMiddleware(options: HeadroomMiddlewareOptions = {}): HeadroomMiddleware {
  const store = options.store ?? createMemoryStore();
  const firstSight = options.firstSight ?? new FirstSightCache();
  /** Figures of each transformed call, found again by its params in the wrap functions. */
  const figuresOf = new WeakMap<LanguageModelV3CallOptions, Omit<HeadroomFigures, 'retrieveRounds'>>();

  const report = (params: LanguageModelV3CallOptions, retrieveRounds: number) => {
    const figures = { ...(figuresOf.get(params) ?? { tokensBefore: 0, tokensAfter: 0, keys: [] }), retrieveRounds };
    options.onCompression?.(figures);
    return figures;
  };

  const middleware = {
    specificationVersion: 'v3',

    async transformParams({ params }) {
      const { prompt, tokensBefore, tokensAfter, keys } = await compressPrompt(params.prompt, {
        store,
        firstSight,
        ...(options.policy ? { policy: options.policy } : {}),
      });
      const tools = params.tools ?? [];
      const offer =
        offersRetrieveTool(tools.length > 0, keys.length) && !tools.some((t) => t.name === RETRIEVE_TOOL_NAME);
      const next = { ...params, prompt, ...(offer ? { tools: [...(params.tools ?? []), RETRIEVE_TOOL] } : {}) };
      figuresOf.set(next, { tokensBefore, tokensAfter, keys });
      return next;
    },

    async wrapGenerate({ doGenerate, params, model }) {
      let result = await doGenerate();
      let current = params;
      let rounds = 0;
      for (; rounds < MAX_ROUNDS && retrieveCalls(result.content).length; rounds++) {
        current = await followUp(current, result.content, store);
        result = await model.doGenerate(current);
      }
      return withFigures(result, report(params, rounds));
    },

    async wrapStream({ doStream, params, model }) {
      const first = await doStream();
      const parts = relay(first.stream, params, model, store, (rounds) => report(params, rounds));
      return { ...first, stream: readableOf(parts) };
    },
  } satisfies LanguageModelV3Middleware;
  return middleware as HeadroomMiddleware;
}

/** Compresses every tool result of the prompt, with the call that produced it and the user's words as the query. */
async function compressPrompt(
  prompt: LanguageModelV3Prompt,
  options: { store: Store; firstSight: FirstSightMemory; policy?: Partial<CompressionPolicy> },
) {
  let tokensBefore = 0;
  let tokensAfter = 0;
  const keys: string[] = [];
  let userText = '';
  const calls = new Map<string, ToolCallInfo>();
  const out: LanguageModelV3Message[] = [];
  for (const message of prompt) {
    if (message.role === 'user')
      userText = message.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n') || userText;
    if (message.role === 'assistant')
      for (const part of message.content)
        if (part.type === 'tool-call')
          calls.set(part.toolCallId, { name: part.toolName, args: argsToText(part.input) });
    if (message.role !== 'tool') {
      out.push(message);
      continue;
    }
    const content = [];
    for (const part of message.content) {
      if (part.type !== 'tool-result' || (part.output.type !== 'text' && part.output.type !== 'json')) {
        content.push(part);
        continue;
      }
      const text = part.output.type === 'text' ? part.output.value : JSON.stringify(part.output.value);
      const result = await compressText(text, {
        query: toolResultQuery(calls.get(part.toolCallId), userText),
        toolName: part.toolName,
        store: options.store,
        firstSight: options.firstSight,
        ...(options.policy ? { policy: options.policy } : {}),
      });
      tokensBefore += result.tokensBefore;
      tokensAfter += result.tokensAfter;
      keys.push(...result.ccrKeys);
      content.push(result.text === text ? part : { ...part, output: { type: 'text' as const, value: result.text } });
    }
    out.push({ ...message, content });
  }
  return { prompt: out, tokensBefore, tokensAfter, keys };
}

type ToolCall = Extract<LanguageModelV3Content, { type: 'tool-call' }>;

function retrieveCalls(content: readonly LanguageModelV3Content[]): ToolCall[] {
  return content.filter((c): c is ToolCall => c.type === 'tool-call' && c.toolName === RETRIEVE_TOOL_NAME);
}

/**
 * The next call of a retrieve round: the prompt, the model's turn (its text and reasoning, and
 * the retrieve calls — calls of the application's tools in the same turn are left for the model
 * to make again once it has read the originals), and the answers.
 */
async function followUp(
  params: LanguageModelV3CallOptions,
  content: readonly LanguageModelV3Content[],
  store: Store,
): Promise<LanguageModelV3CallOptions> {
  const calls = retrieveCalls(content);
  const turn: Extract<LanguageModelV3Message, { role: 'assistant' }>['content'] = [];
  for (const c of content) {
    if (c.type === 'text' && c.text) turn.push({ type: 'text', text: c.text });
    else if (c.type === 'reasoning' && c.text) turn.push({ type: 'reasoning', text: c.text });
  }
  for (const call of calls)
    turn.push({ type: 'tool-call', toolCallId: call.toolCallId, toolName: call.toolName, input: parse(call.input) });
  const answers = await Promise.all(
    calls.map(async (call) => {
      const answer = await handleRetrieveCall(store, call.input);
      return {
        type: 'tool-result' as const,
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        output: answer.isError
          ? { type: 'error-text' as const, value: answer.text }
          : { type: 'text' as const, value: answer.text },
      };
    }),
  );
  return {
    ...params,
    prompt: [...params.prompt, { role: 'assistant', content: turn }, { role: 'tool', content: answers }],
  };
}

function parse(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function withFigures(result: LanguageModelV3GenerateResult, figures: HeadroomFigures): LanguageModelV3GenerateResult {
  return {
    ...result,
    providerMetadata: { ...result.providerMetadata, headroom: { ...figures, keys: [...figures.keys] } },
  };
}

/**
 * The stream the caller reads: parts pass as they arrive, except that from a turn's first tool
 * input on they are held until the turn finishes. If the turn called `headroom_retrieve`, the
 * held parts are dropped and the continuation's parts follow (its ids prefixed, so they never
 * collide with parts already sent); otherwise the held parts go out as they were.
 */
async function* relay(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  params: LanguageModelV3CallOptions,
  model: LanguageModelV3,
  store: Store,
  report: (rounds: number) => HeadroomFigures,
): AsyncGenerator<LanguageModelV3StreamPart> {
  let current = params;
  let source = stream;
  for (let round = 0; ; round++) {
    const held: LanguageModelV3StreamPart[] = [];
    const content: LanguageModelV3Content[] = [];
    const texts = new Map<string, { type: 'text' | 'reasoning'; text: string }>();
    let holding = false;
    const reader = source.getReader();
    try {
      for (;;) {
        const { value: part, done } = await reader.read();
        if (done) break;
        if (round > 0 && part.type === 'stream-start') continue;
        if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
          const entry = texts.get(part.id) ?? { type: part.type === 'text-delta' ? 'text' : 'reasoning', text: '' };
          entry.text += part.delta;
          texts.set(part.id, entry);
        }
        if (part.type === 'tool-call') content.push(part);
        if (part.type === 'tool-input-start' || part.type === 'tool-call') holding = true;
        const out = round > 0 ? renamed(part, round) : part;
        if (part.type === 'finish') {
          const last = !retrieveCalls(content).length || round >= MAX_ROUNDS;
          const finish = out as Extract<LanguageModelV3StreamPart, { type: 'finish' }>;
          if (!last) held.push(finish);
          else {
            const figures = report(round);
            const headroom = { ...figures, keys: [...figures.keys] };
            held.push({ ...finish, providerMetadata: { ...finish.providerMetadata, headroom } });
          }
          continue;
        }
        if (holding) held.push(out);
        else yield out;
      }
    } finally {
      reader.releaseLock();
    }
    if (!retrieveCalls(content).length || round >= MAX_ROUNDS) {
      yield* held;
      return;
    }
    for (const t of texts.values())
      content.push(t.type === 'text' ? { type: 'text', text: t.text } : { type: 'reasoning', text: t.text });
    current = await followUp(current, content, store);
    source = (await model.doStream(current)).stream;
  }
}

/** A continuation's part with its id moved out of the way of the first round's ids. */
function renamed(part: LanguageModelV3StreamPart, round: number): LanguageModelV3StreamPart {
  return 'id' in part && typeof part.id === 'string'
    ? ({ ...part, id: `headroom-${round}-${part.id}` } as LanguageModelV3StreamPart)
    : part;
}

function readableOf<T>(source: AsyncGenerator<T>): ReadableStream<T> {
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const next = await source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
