import type { WireDialect } from '../dialect.js';
import { imagesIn } from '../images.js';
import { appendToArrayAt, prependMember } from '../json-text.js';
import { kindOfResults, lowerBudget, lowerEffortWord, positive, readsAsFailure } from '../output-controls.js';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../retrieve-tool.js';
import { conversationOpening, isRecord } from '../shared.js';
import { GEMINI_USAGE } from '../usage.js';
import { field, parseGemini } from './parse.js';
import { callOf, geminiStreamError, geminiStreamReply, partsOf } from './stream-turn.js';

const declaration = () => ({
  name: RETRIEVE_TOOL_NAME,
  description: RETRIEVE_TOOL_DESCRIPTION,
  parameters: RETRIEVE_TOOL_PARAMETERS,
});

/** Index of the first tool that declares functions, and the spelling of its list. */
function functionTool(request: Record<string, unknown>): { at: number; key: string } | undefined {
  if (!Array.isArray(request.tools)) return undefined;
  for (const [at, tool] of request.tools.entries()) {
    if (!isRecord(tool)) continue;
    const list = field(tool, 'functionDeclarations', 'function_declarations');
    if (Array.isArray(list.value)) return { at, key: list.key };
  }
  return undefined;
}

/** The model's words: a first user content's text parts. */
function openingQuestion(request: Record<string, unknown>): string {
  const contents = Array.isArray(request.contents) ? request.contents : [];
  const first = contents.find((c) => isRecord(c) && c.role !== 'model') as Record<string, unknown> | undefined;
  const parts = Array.isArray(first?.parts) ? first.parts : [];
  return parts
    .filter((p): p is Record<string, unknown> => isRecord(p) && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}

/** Google's error statuses by HTTP status, for the error bodies written in Gemini's shape. */
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
};

/** Google Gemini (`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`). */
export const geminiDialect: WireDialect<'gemini'> = {
  format: 'gemini',
  provider: 'google',
  paths: [/^(\/v1beta|\/v1|\/v1alpha)\/models\/[^/:]+:(generateContent|streamGenerateContent)$/],

  parse: parseGemini,
  modelOf: (_request, pathname) => /\/models\/([^/:]+):/.exec(pathname)?.[1],
  openingQuestion,
  sessionOpening: (request) =>
    conversationOpening(request.systemInstruction ?? request.system_instruction, request.contents, request.tools),

  declaresTools: (request) => {
    const tool = functionTool(request);
    if (!tool) return false;
    const list = field((request.tools as Record<string, unknown>[])[tool.at] ?? {}, tool.key, tool.key).value;
    return Array.isArray(list) && list.length > 0;
  },
  retrieveTool: () => ({ functionDeclarations: [declaration()] }),
  // Beside the client's functions in its first tool that declares some; else as a tool of its own.
  addRetrieveTool(text, request) {
    const tool = functionTool(request);
    const own = tool ? appendToArrayAt(text, ['tools', tool.at, tool.key], JSON.stringify(declaration())) : undefined;
    if (own) return own;
    const whole = JSON.stringify({ functionDeclarations: [declaration()] });
    return appendToArrayAt(text, ['tools'], whole) ?? prependMember(text, 'tools', `[${whole}]`) ?? text;
  },
  retrieveCalls(reply) {
    return partsOf(reply)
      .map(callOf)
      .filter((call) => call?.name === RETRIEVE_TOOL_NAME)
      .map((call) => ({ id: typeof call?.id === 'string' ? call.id : '', args: call?.args }));
  },
  // A `functionResponse` part; without a call id (the API does not always give one) it answers by name.
  toolResult: (callId, answer) => ({
    functionResponse: {
      ...(callId ? { id: callId } : {}),
      name: RETRIEVE_TOOL_NAME,
      response: answer.isError ? { error: answer.text } : { output: answer.text },
      // Media inside the function response, where Gemini 3 reads it (not as parts beside it).
      ...(answer.image
        ? { parts: [{ inlineData: { mimeType: answer.image.mediaType, data: answer.image.data } }] }
        : {}),
    },
  }),
  // The model's turn goes back whole, thought signatures included (the API requires them beside
  // the calls they came with), minus the calls of the client's own functions.
  followUp(request, reply, answers) {
    const parts = partsOf(reply).filter((p) => {
      const call = callOf(p);
      return !call || call.name === RETRIEVE_TOOL_NAME;
    });
    return {
      ...request,
      contents: [
        ...(Array.isArray(request.contents) ? request.contents : []),
        { role: 'model', parts },
        { role: 'user', parts: answers },
      ],
    };
  },
  usage: { key: 'usageMetadata', fields: GEMINI_USAGE },
  streamReply: geminiStreamReply,

  errorBody: (status, type, message) => ({
    error: { code: status, message, status: STATUS_NAMES[status] ?? 'INTERNAL', details: [{ reason: type }] },
  }),
  streamErrorEvent: geminiStreamError,

  addToSystemPrompt(text, request, block) {
    const system = field(request, 'systemInstruction', 'system_instruction');
    if (system.value === undefined || system.value === null)
      return prependMember(text, 'systemInstruction', JSON.stringify({ parts: [{ text: block }] }));
    // A part of its own after the client's, which stay as sent.
    if (isRecord(system.value) && Array.isArray(system.value.parts))
      return appendToArrayAt(text, [system.key, 'parts'], JSON.stringify({ text: block }));
    return undefined;
  },

  turnKind(request) {
    const contents = Array.isArray(request.contents) ? request.contents.filter(isRecord) : [];
    const last = contents[contents.length - 1];
    if (!last || last.role === 'model' || !Array.isArray(last.parts)) return 'ask';
    const parts = last.parts.filter(isRecord);
    const responses = parts.map((p) => field(p, 'functionResponse', 'function_response').value).filter(isRecord);
    // Text beside the responses is the user's own words, or an image: a new ask.
    if (responses.length < parts.length) return 'ask';
    return kindOfResults(
      responses.map((r) => {
        const response = isRecord(r.response) ? r.response : {};
        return 'error' in response || readsAsFailure(JSON.stringify(response));
      }),
    );
  },

  textPart: (text) => ({ text }),

  images(request) {
    const contents = Array.isArray(request.contents) ? request.contents : [];
    const config = field(request, 'generationConfig', 'generation_config').value;
    const overall = isRecord(config)
      ? mediaLevel(field(config, 'mediaResolution', 'media_resolution').value)
      : undefined;
    return contents.flatMap((content, i) =>
      isRecord(content)
        ? imagesIn(content.parts, ['contents', i, 'parts'], (part, at) => {
            const inline = field(part, 'inlineData', 'inline_data');
            if (!isRecord(inline.value)) return undefined;
            const data = inline.value.data;
            const mediaType = field(inline.value, 'mimeType', 'mime_type').value;
            // The media resolution, the part's own over the request's: what Gemini 3 prices an image by.
            const level = mediaLevel(field(part, 'mediaResolution', 'media_resolution').value) ?? overall;
            return typeof data === 'string' && typeof mediaType === 'string' && mediaType.startsWith('image/')
              ? {
                  path: [...at, inline.key, 'data'],
                  mediaType,
                  data,
                  dataUrl: false,
                  message: i,
                  ...(level ? { detail: level } : {}),
                }
              : undefined;
          })
        : [],
    );
  },

  maxOutputTokens(request) {
    const config = field(request, 'generationConfig', 'generation_config').value;
    return isRecord(config) ? positive(field(config, 'maxOutputTokens', 'max_output_tokens').value) : undefined;
  },

  lowerEffort(text, request) {
    const config = field(request, 'generationConfig', 'generation_config');
    if (!isRecord(config.value)) return text;
    const thinking = field(config.value, 'thinkingConfig', 'thinking_config');
    if (!isRecord(thinking.value)) return text;
    const path = [config.key, thinking.key];
    const budget = field(thinking.value, 'thinkingBudget', 'thinking_budget');
    const level = field(thinking.value, 'thinkingLevel', 'thinking_level');
    const out = lowerBudget(text, [...path, budget.key], budget.value);
    return lowerEffortWord(out, [...path, level.key], level.value);
  },
};

/** A media resolution as a level name: a part's `{ level }`, or the request's enum string. */
function mediaLevel(value: unknown): string | undefined {
  const level = isRecord(value) ? value.level : value;
  return typeof level === 'string' ? level : undefined;
}
