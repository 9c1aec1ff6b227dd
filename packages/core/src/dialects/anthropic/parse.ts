import { isRecord } from '../../request/json-path.js';
import type { RequestView, Role } from '../../request/segment.js';
import { addToolDescriptions, argsToText, SegmentCollector, type ToolCallInfo } from '../../request/segment-builder.js';
import { expectArray, expectRecord } from '../../request/shape.js';

const F = 'anthropic' as const;
type Path = (string | number)[];

/**
 * Reads an Anthropic Messages request into segments: `system` (string or text blocks), text
 * blocks, plain-text documents, and `tool_result` blocks with string or block content. Images,
 * `tool_use`, `thinking` and `redacted_thinking` blocks are never touched, and `cache_control`
 * stays where it is because only the text strings themselves are ever replaced.
 *
 * Only the essentials are required (an object with a `messages` array). Anything else this reader
 * does not know — a role beside user and assistant, a block type, a field of an unexpected type —
 * is left exactly as sent and never stops the rest of the request from being read. A
 * mid-conversation `system` message (Claude Code sends one under a beta) reads as system text.
 */
export function parseAnthropic(request: unknown): RequestView {
  const body = expectRecord(F, request, []);
  const messages = expectArray(F, body.messages, ['messages']);
  const out = new SegmentCollector();

  if (typeof body.system === 'string') {
    out.add({ message: -1, role: 'system', kind: 'text', text: body.system, path: ['system'] });
  } else if (Array.isArray(body.system)) {
    body.system.forEach((block, k) => {
      if (isRecord(block) && block.type === 'text' && typeof block.text === 'string') {
        out.add({ message: -1, role: 'system', kind: 'text', text: block.text, path: ['system', k, 'text'] });
      }
    });
  }

  const calls = new Map<string, ToolCallInfo>();
  messages.forEach((message, i) => {
    if (!isRecord(message)) return;
    const role = ROLES[String(message.role)];
    if (!role) return;
    const contentPath: Path = ['messages', i, 'content'];

    if (typeof message.content === 'string') {
      out.add({ message: i, role, kind: 'text', text: message.content, path: contentPath });
      if (role === 'user') out.noteUserText(message.content);
      return;
    }
    if (!Array.isArray(message.content)) return;
    const userTexts: string[] = [];
    message.content.forEach((block, j) => {
      if (!isRecord(block)) return;
      const path: Path = [...contentPath, j];
      switch (block.type) {
        case 'text':
          if (typeof block.text !== 'string') break;
          out.add({ message: i, role, kind: 'text', text: block.text, path: [...path, 'text'] });
          if (role === 'user') userTexts.push(block.text);
          break;
        case 'tool_use':
          if (typeof block.id === 'string' && typeof block.name === 'string') {
            calls.set(block.id, { name: block.name, args: argsToText(block.input) });
          }
          break;
        case 'tool_result':
          addToolResult(block, path, i, calls, out);
          break;
        case 'document':
          addTextDocument(block, path, i, role, out);
          break;
        default:
          // image, thinking, redacted_thinking, server tool blocks, …: not ours to touch.
          break;
      }
    });
    if (userTexts.length) out.noteUserText(userTexts.join('\n'));
  });

  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, k) => {
      if (isRecord(tool))
        addToolDescriptions(out, tool, ['tools', k, 'description'], tool.input_schema, ['tools', k, 'input_schema']);
    });
  }
  return { format: F, request, model: typeof body.model === 'string' ? body.model : undefined, segments: out.segments };
}

/** The roles read; a message with any other role is passed over untouched. */
const ROLES: Readonly<Record<string, Role>> = { user: 'user', assistant: 'assistant', system: 'system' };

function addToolResult(
  block: Record<string, unknown>,
  path: Path,
  message: number,
  calls: Map<string, ToolCallInfo>,
  out: SegmentCollector,
): void {
  const toolCallId = typeof block.tool_use_id === 'string' ? block.tool_use_id : undefined;
  const call = toolCallId === undefined ? undefined : calls.get(toolCallId);
  const base = { message, role: 'tool' as const, kind: 'tool-result' as const, call, toolCallId };
  if (typeof block.content === 'string') {
    out.add({ ...base, text: block.content, path: [...path, 'content'] });
  } else if (Array.isArray(block.content)) {
    block.content.forEach((inner, t) => {
      if (isRecord(inner) && inner.type === 'text' && typeof inner.text === 'string') {
        out.add({ ...base, text: inner.text, path: [...path, 'content', t, 'text'] });
      }
    });
  }
}

function addTextDocument(
  block: Record<string, unknown>,
  path: Path,
  message: number,
  role: Role,
  out: SegmentCollector,
): void {
  const source = block.source;
  if (!isRecord(source) || source.type !== 'text' || typeof source.data !== 'string') return;
  // Citations point into the document by character offset, so a cited document must stay exact.
  const cited = isRecord(block.citations) && block.citations.enabled === true;
  out.add({ message, role, kind: 'text', text: source.data, path: [...path, 'source', 'data'], protected: cited });
}
