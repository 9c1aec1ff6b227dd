import type { WireDialect } from '../dialect.js';
import { type ImageRef, imagesIn } from '../images.js';
import { appendToArrayAt, prependMember } from '../json-text.js';
import { kindOfResults, lowerBudget, lowerEffortWord, positive, readsAsFailure } from '../output-controls.js';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../retrieve-tool.js';
import { appendToStringAt, conversationOpening, firstUserText, isRecord } from '../shared.js';
import { ANTHROPIC_USAGE } from '../usage.js';
import { parseAnthropic } from './parse.js';
import { anthropicStreamError, anthropicStreamReply } from './stream-turn.js';

const retrieveTool = () => ({
  name: RETRIEVE_TOOL_NAME,
  description: RETRIEVE_TOOL_DESCRIPTION,
  input_schema: RETRIEVE_TOOL_PARAMETERS,
});

/** Anthropic Messages (`POST /v1/messages`). */
export const anthropicDialect: WireDialect<'anthropic'> = {
  format: 'anthropic',
  provider: 'anthropic',
  paths: ['/v1/messages'],

  parse: parseAnthropic,
  modelOf: (request) => (typeof request.model === 'string' ? request.model : undefined),
  openingQuestion: (request) => firstUserText(request.messages),
  sessionOpening: (request) => conversationOpening(request.system, request.messages, request.tools),

  declaresTools: (request) => Array.isArray(request.tools) && request.tools.length > 0,
  retrieveTool,
  addRetrieveTool(text) {
    const tool = JSON.stringify(retrieveTool());
    return appendToArrayAt(text, ['tools'], tool) ?? prependMember(text, 'tools', `[${tool}]`) ?? text;
  },
  retrieveCalls(reply) {
    const content = isRecord(reply) && Array.isArray(reply.content) ? reply.content : [];
    return content
      .filter((b) => isRecord(b) && b.type === 'tool_use' && b.name === RETRIEVE_TOOL_NAME)
      .map((b) => ({ id: String(b.id), args: b.input }));
  },
  toolResult: (callId, answer) => ({
    type: 'tool_result',
    tool_use_id: callId,
    content: answer.image
      ? [
          { type: 'text', text: answer.text },
          { type: 'image', source: { type: 'base64', media_type: answer.image.mediaType, data: answer.image.data } },
        ]
      : answer.text,
    ...(answer.isError ? { is_error: true } : {}),
  }),
  followUp(request, reply, answers) {
    const content = (Array.isArray(reply.content) ? (reply.content as Record<string, unknown>[]) : []).filter(
      (b) => b.type !== 'tool_use' || b.name === RETRIEVE_TOOL_NAME,
    );
    return {
      ...request,
      messages: [
        ...(Array.isArray(request.messages) ? request.messages : []),
        { role: 'assistant', content },
        { role: 'user', content: answers },
      ],
    };
  },
  usage: { key: 'usage', fields: ANTHROPIC_USAGE },
  streamReply: anthropicStreamReply,

  errorBody: (_status, type, message) => ({ type: 'error', error: { type, message } }),
  streamErrorEvent: anthropicStreamError,

  addToSystemPrompt(text, request, block) {
    const system = request.system;
    if (typeof system === 'string') return appendToStringAt(text, ['system'], system, `\n\n${block}`);
    // A block of its own after the client's: theirs, and the cache breakpoints on them, stay as sent.
    if (Array.isArray(system)) return appendToArrayAt(text, ['system'], JSON.stringify({ type: 'text', text: block }));
    return prependMember(text, 'system', JSON.stringify(block));
  },

  turnKind(request) {
    const messages = Array.isArray(request.messages) ? request.messages : [];
    // Mid-conversation system messages (Claude Code sends one) are no turn of the user's.
    const last = messages.filter((m) => isRecord(m) && m.role !== 'system').at(-1);
    if (!isRecord(last) || last.role !== 'user' || !Array.isArray(last.content)) return 'ask';
    const blocks = last.content.filter(isRecord);
    if (blocks.some((b) => b.type === 'image' || b.type === 'document')) return 'ask';
    return kindOfResults(
      blocks
        .filter((b) => b.type === 'tool_result')
        .map((b) => b.is_error === true || readsAsFailure(textOfResult(b.content))),
    );
  },

  maxOutputTokens: (request) => positive(request.max_tokens),

  textPart: (text) => ({ type: 'text', text }),

  images(request) {
    const messages = Array.isArray(request.messages) ? request.messages : [];
    const image = (
      block: Record<string, unknown>,
      at: readonly (string | number)[],
      message: number,
    ): ImageRef | undefined => {
      const source = isRecord(block.source) ? block.source : undefined;
      if (block.type !== 'image' || source?.type !== 'base64' || typeof source.data !== 'string') return undefined;
      return {
        path: [...at, 'source', 'data'],
        mediaType: String(source.media_type ?? ''),
        data: source.data,
        dataUrl: false,
        message,
      };
    };
    return messages.flatMap((m, i) =>
      isRecord(m)
        ? imagesIn(m.content, ['messages', i, 'content'], (block, at) =>
            block.type === 'tool_result'
              ? imagesIn(block.content, [...at, 'content'], (inner, innerAt) => image(inner, innerAt, i))
              : image(block, at, i),
          )
        : [],
    );
  },

  lowerEffort(text, request) {
    let out = text;
    const config = request.output_config;
    if (isRecord(config)) out = lowerEffortWord(out, ['output_config', 'effort'], config.effort);
    const thinking = request.thinking;
    if (isRecord(thinking) && thinking.type === 'enabled')
      out = lowerBudget(out, ['thinking', 'budget_tokens'], thinking.budget_tokens);
    return out;
  },
};

/** A tool result's text: its string, or its text blocks. */
function textOfResult(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isRecord(b) && typeof b.text === 'string' ? b.text : '')).join('\n');
}
