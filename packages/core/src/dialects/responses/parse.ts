import { isRecord } from '../../request/json-path.js';
import type { RequestView, Role } from '../../request/segment.js';
import { addToolDescriptions, argsToText, SegmentCollector, type ToolCallInfo } from '../../request/segment-builder.js';
import { expectRecord, shapeError } from '../../request/shape.js';

const F = 'responses' as const;
type Path = (string | number)[];
const ROLES: Readonly<Record<string, Role>> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
};
const TEXT_PART_TYPES = new Set(['input_text', 'output_text', 'text']);

/**
 * Reads an OpenAI Responses request: `instructions`, `input` as a string or as items
 * (`message`, `function_call`, `function_call_output`, `custom_tool_call`, …). Reasoning items,
 * images and files are left alone.
 *
 * Only the essentials are required (an object whose `input`, when present, is a string or an
 * array); an item type, role, part or field this reader does not know is left exactly as sent
 * and the rest is still read.
 */
export function parseResponses(request: unknown): RequestView {
  const body = expectRecord(F, request, []);
  const out = new SegmentCollector();
  if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input))
    shapeError(F, ['input'], 'a string or an array');

  if (typeof body.instructions === 'string') {
    out.add({ message: -1, role: 'system', kind: 'text', text: body.instructions, path: ['instructions'] });
  }
  if (typeof body.input === 'string') {
    out.add({ message: 0, role: 'user', kind: 'text', text: body.input, path: ['input'] });
  } else if (Array.isArray(body.input)) {
    const calls = new Map<string, ToolCallInfo>();
    body.input.forEach((item, i) => {
      if (!isRecord(item)) return;
      const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
      if (type === 'message') addMessage(item, i, out);
      else if (type === 'function_call' || type === 'custom_tool_call') {
        if (typeof item.call_id === 'string' && typeof item.name === 'string') {
          calls.set(item.call_id, { name: item.name, args: argsToText(item.arguments ?? item.input) });
        }
      } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
        addCallOutput(item, i, calls, out);
      }
      // reasoning, tool declarations carried as items, and every item type not known here: untouched.
    });
  }

  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, k) => {
      if (isRecord(tool))
        addToolDescriptions(out, tool, ['tools', k, 'description'], tool.parameters, ['tools', k, 'parameters']);
    });
  }
  return { format: F, request, model: typeof body.model === 'string' ? body.model : undefined, segments: out.segments };
}

function addMessage(item: Record<string, unknown>, i: number, out: SegmentCollector): void {
  const role = ROLES[String(item.role)];
  if (!role) return;
  const path: Path = ['input', i, 'content'];
  const texts: string[] = [];
  if (typeof item.content === 'string') {
    out.add({ message: i, role, kind: 'text', text: item.content, path });
    texts.push(item.content);
  } else if (Array.isArray(item.content)) {
    item.content.forEach((part, j) => {
      if (isRecord(part) && TEXT_PART_TYPES.has(String(part.type)) && typeof part.text === 'string') {
        out.add({ message: i, role, kind: 'text', text: part.text, path: [...path, j, 'text'] });
        texts.push(part.text);
      }
    });
  }
  if (role === 'user') out.noteUserText(texts.join('\n'));
}

function addCallOutput(
  item: Record<string, unknown>,
  i: number,
  calls: Map<string, ToolCallInfo>,
  out: SegmentCollector,
): void {
  const toolCallId = typeof item.call_id === 'string' ? item.call_id : undefined;
  const call = toolCallId === undefined ? undefined : calls.get(toolCallId);
  const base = { message: i, role: 'tool' as const, kind: 'tool-result' as const, call, toolCallId };
  if (typeof item.output === 'string') {
    out.add({ ...base, text: item.output, path: ['input', i, 'output'] });
  } else if (Array.isArray(item.output)) {
    item.output.forEach((part, j) => {
      if (isRecord(part) && TEXT_PART_TYPES.has(String(part.type)) && typeof part.text === 'string') {
        out.add({ ...base, text: part.text, path: ['input', i, 'output', j, 'text'] });
      }
    });
  }
}
