import { isRecord } from './json-path.js';
import type { RequestView, Role } from './segment.js';
import { addToolDescriptions, argsToText, SegmentCollector, type ToolCallInfo } from './segment-builder.js';
import { expectArray, expectRecord, shapeError } from './shape.js';

const F = 'responses' as const;
type Path = (string | number)[];
const ROLES: Record<string, Role> = { system: 'system', developer: 'system', user: 'user', assistant: 'assistant' };
const TEXT_PART_TYPES = new Set(['input_text', 'output_text', 'text']);

/**
 * Reads an OpenAI Responses request: `instructions`, `input` as a string or as items
 * (`message`, `function_call`, `function_call_output`, `reasoning`, …). Reasoning items,
 * images and files are left alone.
 */
export function parseResponses(request: unknown): RequestView {
  const body = expectRecord(F, request, []);
  const out = new SegmentCollector();

  if (typeof body.instructions === 'string') {
    out.add({ message: -1, role: 'system', kind: 'text', text: body.instructions, path: ['instructions'] });
  }
  if (typeof body.input === 'string') {
    out.add({ message: 0, role: 'user', kind: 'text', text: body.input, path: ['input'] });
  } else {
    const calls = new Map<string, ToolCallInfo>();
    expectArray(F, body.input, ['input']).forEach((raw, i) => {
      const item = expectRecord(F, raw, ['input', i]);
      const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
      if (type === 'message') addMessage(item, i, out);
      else if (type === 'function_call' || type === 'custom_tool_call') {
        if (typeof item.call_id === 'string' && typeof item.name === 'string') {
          calls.set(item.call_id, { name: item.name, args: argsToText(item.arguments ?? item.input) });
        }
      } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
        addCallOutput(item, i, calls, out);
      } else if (typeof type !== 'string') {
        shapeError(F, ['input', i, 'type'], 'a string naming the item type');
      }
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
  const roleName = item.role;
  if (typeof roleName !== 'string' || !(roleName in ROLES)) {
    shapeError(F, ['input', i, 'role'], 'one of system, developer, user, assistant');
  }
  const role = ROLES[roleName] as Role;
  const path: Path = ['input', i, 'content'];
  const texts: string[] = [];
  if (typeof item.content === 'string') {
    out.add({ message: i, role, kind: 'text', text: item.content, path });
    texts.push(item.content);
  } else {
    expectArray(F, item.content, path).forEach((rawPart, j) => {
      const part = expectRecord(F, rawPart, [...path, j]);
      if (typeof part.type === 'string' && TEXT_PART_TYPES.has(part.type) && typeof part.text === 'string') {
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
      if (
        isRecord(part) &&
        typeof part.type === 'string' &&
        TEXT_PART_TYPES.has(part.type) &&
        typeof part.text === 'string'
      ) {
        out.add({ ...base, text: part.text, path: ['input', i, 'output', j, 'text'] });
      }
    });
  } else {
    shapeError(F, ['input', i, 'output'], 'a string or an array of content parts');
  }
}
