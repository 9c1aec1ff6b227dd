import type { WireDialect } from '../dialect.js';
import { dataUrlImage, imagesIn } from '../images.js';
import { appendToArrayAt, prependMember } from '../json-text.js';
import { kindOfResults, lowerEffortWord, positive, readsAsFailure } from '../output-controls.js';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../retrieve-tool.js';
import { appendToStringAt, conversationOpening, firstUserText, isRecord } from '../shared.js';
import { RESPONSES_USAGE } from '../usage.js';
import { parseResponses } from './parse.js';
import { responsesStreamReply } from './stream-turn.js';

const retrieveTool = () => ({
  type: 'function',
  name: RETRIEVE_TOOL_NAME,
  description: RETRIEVE_TOOL_DESCRIPTION,
  parameters: RETRIEVE_TOOL_PARAMETERS,
  strict: false,
});

/** Where a client declares tools in an input item (Codex's `additional_tools`), its index. */
const additionalToolsAt = (request: Record<string, unknown>): number =>
  Array.isArray(request.input)
    ? request.input.findIndex((item) => isRecord(item) && item.type === 'additional_tools' && Array.isArray(item.tools))
    : -1;

/** OpenAI Responses (`POST /v1/responses`, and the same events over Codex's WebSocket). */
export const responsesDialect: WireDialect<'responses'> = {
  format: 'responses',
  provider: 'openai',
  paths: ['/v1/responses', '/responses'],

  parse: parseResponses,
  modelOf: (request) => (typeof request.model === 'string' ? request.model : undefined),
  openingQuestion: (request) => firstUserText(request.input),
  sessionOpening: (request) => conversationOpening(request.instructions, request.input, request.tools),

  // Tools in the request, in an `additional_tools` input item, or declared with the earlier
  // response this turn continues.
  declaresTools: (request) =>
    (Array.isArray(request.tools) && request.tools.length > 0) ||
    typeof request.previous_response_id === 'string' ||
    (Array.isArray(request.input) && request.input.some((item) => isRecord(item) && item.type === 'additional_tools')),
  retrieveTool,
  // At the end of the top-level `tools`, or of an `additional_tools` item's list; else in a new
  // `tools` list — except on a turn that continues an earlier response, whose tools were declared
  // with the conversation: that one is left as it is.
  addRetrieveTool(text, request) {
    const tool = JSON.stringify(retrieveTool());
    const inTools = appendToArrayAt(text, ['tools'], tool);
    if (inTools) return inTools;
    const at = additionalToolsAt(request);
    const inItem = at >= 0 ? appendToArrayAt(text, ['input', at, 'tools'], tool) : undefined;
    if (inItem) return inItem;
    if (typeof request.previous_response_id === 'string') return text;
    return prependMember(text, 'tools', `[${tool}]`) ?? text;
  },
  retrieveCalls(reply) {
    const output = isRecord(reply) && Array.isArray(reply.output) ? reply.output : [];
    return output
      .filter((o) => isRecord(o) && o.type === 'function_call' && o.name === RETRIEVE_TOOL_NAME)
      .map((o) => ({ id: String(o.call_id), args: o.arguments }));
  },
  toolResult: (callId, answer) => ({
    type: 'function_call_output',
    call_id: callId,
    output: answer.image
      ? [
          { type: 'input_text', text: answer.text },
          { type: 'input_image', image_url: `data:${answer.image.mediaType};base64,${answer.image.data}` },
        ]
      : answer.text,
  }),
  followUp(request, reply, answers) {
    const input =
      typeof request.input === 'string'
        ? [{ role: 'user', content: request.input }]
        : Array.isArray(request.input)
          ? request.input
          : [];
    // The turn's output goes back as input (reasoning, text, the retrieve calls), minus the client's
    // calls; a reasoning item can only be replayed when the provider kept it or it carries its
    // encrypted content.
    const replayable = (o: Record<string, unknown>) =>
      o.type === 'function_call'
        ? o.name === RETRIEVE_TOOL_NAME
        : o.type !== 'reasoning' || request.store !== false || typeof o.encrypted_content === 'string';
    const made = (Array.isArray(reply.output) ? (reply.output as Record<string, unknown>[]) : []).filter(replayable);
    return { ...request, input: [...input, ...made, ...answers] };
  },
  usage: { key: 'usage', fields: RESPONSES_USAGE },
  streamReply: responsesStreamReply,

  errorBody: (_status, type, message) => ({ error: { message, type, param: null, code: null } }),
  streamErrorEvent: (message, type = 'upstream_error') =>
    `event: error\ndata: ${JSON.stringify({ type: 'error', code: type, message, param: null })}\n\n`,

  addToSystemPrompt(text, request, block) {
    if (typeof request.instructions === 'string')
      return appendToStringAt(text, ['instructions'], request.instructions, `\n\n${block}`);
    return request.instructions === undefined || request.instructions === null
      ? prependMember(text, 'instructions', JSON.stringify(block))
      : undefined;
  },

  turnKind(request) {
    const input = Array.isArray(request.input) ? request.input.filter(isRecord) : [];
    const failed: boolean[] = [];
    // The outputs of the model's calls after its last item (`function_call_output`,
    // `custom_tool_call_output` and the like).
    for (let i = input.length - 1; i >= 0; i--) {
      const item = input[i] as Record<string, unknown>;
      if (typeof item.type !== 'string' || !item.type.endsWith('_output')) break;
      failed.push(readsAsFailure(outputText(item.output)));
    }
    return kindOfResults(failed);
  },

  maxOutputTokens: (request) => positive(request.max_output_tokens),

  textPart: (text) => ({ type: 'input_text', text }),

  images(request) {
    const input = Array.isArray(request.input) ? request.input : [];
    const image = (part: Record<string, unknown>, at: readonly (string | number)[], i: number) =>
      part.type === 'input_image' ? dataUrlImage(part.image_url, [...at, 'image_url'], i, part.detail) : undefined;
    return input.flatMap((item, i) =>
      isRecord(item)
        ? [
            ...imagesIn(item.content, ['input', i, 'content'], (part, at) => image(part, at, i)),
            ...imagesIn(item.output, ['input', i, 'output'], (part, at) => image(part, at, i)),
          ]
        : [],
    );
  },

  lowerEffort(text, request) {
    return isRecord(request.reasoning)
      ? lowerEffortWord(text, ['reasoning', 'effort'], request.reasoning.effort)
      : text;
  },
};

/** A call output's text: its string, or its text parts. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) return '';
  return output.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('\n');
}
