import type { WireDialect } from '../dialect.js';
import { dataUrlImage, imagesIn } from '../images.js';
import { appendToArrayAt, prependMember, prependToArrayAt } from '../json-text.js';
import { kindOfResults, lowerEffortWord, positive, readsAsFailure } from '../output-controls.js';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME, RETRIEVE_TOOL_PARAMETERS } from '../retrieve-tool.js';
import { appendToStringAt, conversationOpening, firstUserText, isRecord } from '../shared.js';
import { CHAT_USAGE } from '../usage.js';
import { parseOpenAIChat } from './parse.js';
import { chatStreamError, openAIChatStreamReply } from './stream-turn.js';

const IMAGE_NOT_IN_TOOL_RESULT = 'The image itself cannot be shown: a Chat Completions tool result carries text only.';

const retrieveTool = () => ({
  type: 'function',
  function: { name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, parameters: RETRIEVE_TOOL_PARAMETERS },
});

const firstMessage = (reply: unknown): Record<string, unknown> | undefined => {
  const choice = isRecord(reply) && Array.isArray(reply.choices) ? reply.choices[0] : undefined;
  return isRecord(choice) && isRecord(choice.message) ? choice.message : undefined;
};
const isRetrieveCall = (c: unknown) => isRecord(c) && isRecord(c.function) && c.function.name === RETRIEVE_TOOL_NAME;

/** OpenAI Chat Completions (`POST /v1/chat/completions`), and every server that speaks it. */
export const openAIChatDialect: WireDialect<'openai'> = {
  format: 'openai',
  provider: 'openai',
  paths: ['/v1/chat/completions', '/chat/completions'],

  parse: parseOpenAIChat,
  modelOf: (request) => (typeof request.model === 'string' ? request.model : undefined),
  openingQuestion: (request) => firstUserText(request.messages),
  sessionOpening: (request) => conversationOpening(undefined, request.messages, request.tools),

  declaresTools: (request) => Array.isArray(request.tools) && request.tools.length > 0,
  retrieveTool,
  addRetrieveTool(text) {
    const tool = JSON.stringify(retrieveTool());
    return appendToArrayAt(text, ['tools'], tool) ?? prependMember(text, 'tools', `[${tool}]`) ?? text;
  },
  retrieveCalls(reply) {
    const calls = firstMessage(reply)?.tool_calls;
    return (Array.isArray(calls) ? calls : [])
      .filter(isRetrieveCall)
      .map((c) => ({ id: String(c.id), args: (c.function as Record<string, unknown>).arguments }));
  },
  // A tool message holds text only: an image answer says so, and how to see it, in words.
  toolResult: (callId, answer) => ({
    role: 'tool',
    tool_call_id: callId,
    content: answer.image ? `${answer.text}\n${IMAGE_NOT_IN_TOOL_RESULT}` : answer.text,
  }),
  followUp(request, reply, answers) {
    const message = firstMessage(reply) ?? {};
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    return {
      ...request,
      messages: [
        ...(Array.isArray(request.messages) ? request.messages : []),
        { ...message, tool_calls: calls.filter(isRetrieveCall) },
        ...answers,
      ],
    };
  },
  usage: { key: 'usage', fields: CHAT_USAGE },
  streamReply: openAIChatStreamReply,

  errorBody: (_status, type, message) => ({ error: { message, type, param: null, code: null } }),
  streamErrorEvent: chatStreamError,

  addToSystemPrompt(text, request, block) {
    const messages = Array.isArray(request.messages) ? request.messages : undefined;
    if (!messages) return undefined;
    const first = messages[0];
    if (isRecord(first) && (first.role === 'system' || first.role === 'developer') && typeof first.content === 'string')
      return appendToStringAt(text, ['messages', 0, 'content'], first.content, `\n\n${block}`);
    return prependToArrayAt(text, ['messages'], JSON.stringify({ role: 'system', content: block }));
  },

  turnKind(request) {
    const messages = (Array.isArray(request.messages) ? request.messages : []).filter(isRecord);
    const failed: boolean[] = [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const message = messages[i] as Record<string, unknown>;
      if (message.role !== 'tool' && message.role !== 'function') break;
      failed.push(readsAsFailure(contentText(message.content)));
    }
    return kindOfResults(failed);
  },

  maxOutputTokens: (request) => positive(request.max_completion_tokens) ?? positive(request.max_tokens),

  textPart: (text) => ({ type: 'text', text }),

  images(request) {
    const messages = Array.isArray(request.messages) ? request.messages : [];
    return messages.flatMap((m, i) =>
      isRecord(m)
        ? imagesIn(m.content, ['messages', i, 'content'], (part, at) => {
            const image = isRecord(part.image_url) ? part.image_url : undefined;
            return part.type === 'image_url' && image
              ? dataUrlImage(image.url, [...at, 'image_url', 'url'], i, image.detail)
              : undefined;
          })
        : [],
    );
  },

  lowerEffort(text, request) {
    let out = lowerEffortWord(text, ['reasoning_effort'], request.reasoning_effort);
    // OpenAI-compatible routers take the effort as an object too.
    if (isRecord(request.reasoning)) out = lowerEffortWord(out, ['reasoning', 'effort'], request.reasoning.effort);
    return out;
  },
};

/** A message's text: its string content, or its text parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('\n');
}
