import type { WireDialect } from '../dialect.js';
import { appendToArrayAt, prependMember } from '../json-text.js';
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
    content: answer.text,
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
    const addition = `\n\n${block}`;
    const system = request.system;
    if (typeof system === 'string') return appendToStringAt(text, ['system'], system, addition);
    if (Array.isArray(system)) {
      const last = system.length - 1;
      const tail = system[last];
      if (isRecord(tail) && tail.type === 'text' && typeof tail.text === 'string')
        return appendToStringAt(text, ['system', last, 'text'], tail.text, addition);
      return undefined;
    }
    return prependMember(text, 'system', JSON.stringify(block));
  },
};
