import { DIALECTS } from '../dialects/registry.js';
import { isRecord, replaceAtPath } from './json-path.js';
import type { RequestView, WireFormat } from './segment.js';

/**
 * Reads a wire request into segments. Throws `InvalidRequestError` (code `invalid_request`)
 * with a one-line message naming the offending field when the shape is wrong.
 *
 * @example
 * const view = parseRequest(body, 'anthropic')
 * for (const s of view.segments) console.log(s.kind, s.toolName, s.text.length)
 */
export function parseRequest(request: unknown, format: WireFormat): RequestView {
  return DIALECTS[format].parse(request);
}

/**
 * Writes replacement texts back into the request. Only the strings at the replaced segments'
 * paths change; everything else (images, thinking blocks, `cache_control`, ids, unknown
 * fields) is carried over as is. The input request is not mutated.
 */
export function writeRequest<R>(view: RequestView<R>, replacements: ReadonlyMap<number, string>): R {
  let request = view.request;
  for (const [index, text] of replacements) {
    const segment = view.segments[index];
    if (!segment) throw new RangeError(`no segment ${index} in this request`);
    if (segment.text !== text) request = replaceAtPath(request, segment.path, text);
  }
  return request;
}

/**
 * Guesses the wire format of a parsed JSON body, or `undefined` when it is not a request.
 * A bare `{ model, messages: [{ role: 'user', content: '…' }] }` is valid in both chat formats
 * and reads the same in either; it is reported as `openai`, as is one whose only sign is a
 * `system` message.
 */
export function detectFormat(body: unknown): WireFormat | undefined {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.contents)) return 'gemini';
  if (Array.isArray(body.input) || (typeof body.input === 'string' && ('model' in body || 'instructions' in body))) {
    return 'responses';
  }
  if (!Array.isArray(body.messages)) return undefined;
  // A `model` beside the messages says request even when a message is of a shape not known here.
  if (!('model' in body) && !body.messages.every((m) => isRecord(m) && typeof m.role === 'string')) return undefined;
  if (body.system !== undefined || 'anthropic_version' in body) return 'anthropic';
  // A `system` or `developer` message is no proof of Chat Completions: Claude Code sends `system`
  // messages inside Anthropic conversations. Tool messages, tool calls and content blocks decide.
  for (const message of body.messages) {
    if (!isRecord(message)) continue;
    if (message.role === 'tool' || 'tool_calls' in message) return 'openai';
    if (Array.isArray(message.content)) {
      for (const block of message.content) {
        if (!isRecord(block)) continue;
        if (ANTHROPIC_BLOCKS.has(String(block.type))) return 'anthropic';
        if (OPENAI_PARTS.has(String(block.type))) return 'openai';
      }
    }
  }
  return 'openai';
}

const ANTHROPIC_BLOCKS = new Set(['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'image', 'document']);
const OPENAI_PARTS = new Set(['image_url', 'input_audio', 'file', 'refusal']);
