import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
  LanguageModelV3Middleware,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import {
  createMemoryStore,
  partsOf,
  RETRIEVE_TOOL_NAME,
  type RoundConversation,
  readableFrom,
  retrieveToolDefinition,
  runRetrieveRounds,
  type StreamConversation,
  streamRetrieveRounds,
  type TurnConversation,
  type TurnFollower,
} from '@headroom/ccr';
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
      const conversation: TurnConversation<LanguageModelV3CallOptions, LanguageModelV3GenerateResult> = {
        ...promptRounds((result: LanguageModelV3GenerateResult) => result.content),
        ask: async (next) => model.doGenerate(next),
      };
      const first = await doGenerate();
      const { turn, rounds } = await runRetrieveRounds(conversation, params, first, { store });
      const shown = turn === first ? turn : { ...turn, usage: shownUsage(first.usage, turn.usage) };
      return withFigures(shown, report(params, rounds));
    },

    async wrapStream({ doStream, params, model }) {
      const first = await doStream();
      const opening: OpeningUsage = {};
      const conversation: StreamConversation<
        LanguageModelV3CallOptions,
        LanguageModelV3StreamPart,
        LanguageModelV3StreamPart,
        LanguageModelV3Content[]
      > = {
        ...promptRounds((content: LanguageModelV3Content[]) => content),
        nextTurn: (round) => followTurn(round, opening, (rounds) => report(params, rounds)),
        ask: async (next) => partsOf((await model.doStream(next)).stream),
        fail: (error) => {
          throw error;
        },
      };
      const parts = streamRetrieveRounds(conversation, params, partsOf(first.stream), { store });
      return { ...first, stream: readableFrom(parts) };
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
 * The prompt's side of a retrieve round: the calls in a turn's content, and the next call — the
 * prompt, the model's turn (its text and reasoning, and the retrieve calls; calls of the
 * application's tools in the same turn are left for the model to make again once it has read the
 * originals), and the answers.
 */
function promptRounds<Turn>(
  contentOf: (turn: Turn) => readonly LanguageModelV3Content[],
): RoundConversation<LanguageModelV3CallOptions, Turn> {
  return {
    retrieveCalls: (turn) => retrieveCalls(contentOf(turn)).map((c) => ({ id: c.toolCallId, args: c.input })),
    followUp(params, turn, answered) {
      const content = contentOf(turn);
      const said: Extract<LanguageModelV3Message, { role: 'assistant' }>['content'] = [];
      for (const c of content) {
        if (c.type === 'text' && c.text) said.push({ type: 'text', text: c.text });
        else if (c.type === 'reasoning' && c.text) said.push({ type: 'reasoning', text: c.text });
      }
      for (const call of retrieveCalls(content))
        said.push({
          type: 'tool-call',
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          input: parse(call.input),
        });
      const answers = answered.map(({ call, answer }) => ({
        type: 'tool-result' as const,
        toolCallId: call.id,
        toolName: RETRIEVE_TOOL_NAME,
        output: answer.isError
          ? { type: 'error-text' as const, value: answer.text }
          : { type: 'text' as const, value: answer.text },
      }));
      return {
        ...params,
        prompt: [...params.prompt, { role: 'assistant', content: said }, { role: 'tool', content: answers }],
      };
    },
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
 * Follows turn `round` of the stream the caller reads: parts pass as they arrive, except that from
 * the turn's first tool input on they are held until the turn finishes (a continuation's ids are
 * prefixed, so they never collide with parts already sent). Its `finish` carries the figures when
 * the turn is the last.
 */
function followTurn(
  round: number,
  opening: OpeningUsage,
  report: (rounds: number) => HeadroomFigures,
): TurnFollower<LanguageModelV3StreamPart, LanguageModelV3StreamPart, LanguageModelV3Content[]> {
  const held: LanguageModelV3StreamPart[] = [];
  const calls: LanguageModelV3Content[] = [];
  const texts = new Map<string, { type: 'text' | 'reasoning'; text: string }>();
  let finish: Extract<LanguageModelV3StreamPart, { type: 'finish' }> | undefined;
  let holding = false;
  return {
    see(part) {
      if (round > 0 && part.type === 'stream-start') return [];
      if (part.type === 'text-delta' || part.type === 'reasoning-delta') {
        const entry = texts.get(part.id) ?? { type: part.type === 'text-delta' ? 'text' : 'reasoning', text: '' };
        entry.text += part.delta;
        texts.set(part.id, entry);
      }
      if (part.type === 'tool-call') calls.push(part);
      if (part.type === 'tool-input-start' || part.type === 'tool-call') holding = true;
      const out = round > 0 ? renamed(part, round) : part;
      if (out.type === 'finish') {
        finish = out;
        if (round === 0) opening.usage = out.usage;
        return [];
      }
      if (!holding) return [out];
      held.push(out);
      return [];
    },
    turn: () => [...calls, ...[...texts.values()].map((t): LanguageModelV3Content => ({ type: t.type, text: t.text }))],
    flush() {
      if (!finish) return held;
      const figures = report(round);
      const headroom = { ...figures, keys: [...figures.keys] };
      const usage = round > 0 && opening.usage ? shownUsage(opening.usage, finish.usage) : finish.usage;
      return [...held, { ...finish, usage, providerMetadata: { ...finish.providerMetadata, headroom } }];
    },
  };
}

/** The first turn's usage, kept for the last turn's `finish`. */
interface OpeningUsage {
  usage?: LanguageModelV3Usage;
}

/**
 * The usage the caller is shown after retrieve rounds: agents read a reply's input tokens as the
 * size of their context, so it keeps the first turn's input (the caller's own context) and the
 * last turn's output; what every round cost is in the figures, not here.
 */
function shownUsage(first: LanguageModelV3Usage, last: LanguageModelV3Usage): LanguageModelV3Usage {
  return { ...last, inputTokens: first.inputTokens };
}

/** A continuation's part with its id moved out of the way of the first round's ids. */
function renamed(part: LanguageModelV3StreamPart, round: number): LanguageModelV3StreamPart {
  return 'id' in part && typeof part.id === 'string'
    ? ({ ...part, id: `headroom-${round}-${part.id}` } as LanguageModelV3StreamPart)
    : part;
}
