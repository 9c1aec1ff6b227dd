import { isRecord } from '../../request/json-path.js';
import type { JsonPath, RequestView, Role } from '../../request/segment.js';
import { addToolDescriptions, argsToText, SegmentCollector, type ToolCallInfo } from '../../request/segment-builder.js';
import { expectArray, expectRecord } from '../../request/shape.js';

const F = 'gemini' as const;

/** The request's field under either of the names the API accepts (proto JSON takes both spellings). */
export function field(body: Record<string, unknown>, camel: string, snake: string): { key: string; value: unknown } {
  return camel in body ? { key: camel, value: body[camel] } : { key: snake, value: body[snake] };
}

/**
 * Reads a Gemini `generateContent` request into segments: `systemInstruction` text parts, user
 * and model text parts, `functionResponse` parts (each string field of the response object, such
 * as Gemini CLI's `output`, is a tool result, with the call that produced it as its query) and
 * the descriptions of `functionDeclarations`. Inline data, files, thoughts and their signatures,
 * function calls and every field this reader does not know stay exactly as sent. Both field
 * spellings the API accepts (`systemInstruction` and `system_instruction`, …) are read.
 */
export function parseGemini(request: unknown): RequestView {
  const body = expectRecord(F, request, []);
  const contents = expectArray(F, body.contents, ['contents']);
  const out = new SegmentCollector();

  const system = field(body, 'systemInstruction', 'system_instruction');
  if (isRecord(system.value) && Array.isArray(system.value.parts)) {
    system.value.parts.forEach((part, k) => {
      if (isRecord(part) && typeof part.text === 'string')
        out.add({ message: -1, role: 'system', kind: 'text', text: part.text, path: [system.key, 'parts', k, 'text'] });
    });
  }

  // Calls by id, and by name for the calls without one (then matched in order).
  const byId = new Map<string, ToolCallInfo>();
  const byName = new Map<string, ToolCallInfo[]>();
  contents.forEach((content, i) => {
    if (!isRecord(content) || !Array.isArray(content.parts)) return;
    const role: Role = content.role === 'model' ? 'assistant' : 'user';
    const userTexts: string[] = [];
    content.parts.forEach((part, j) => {
      if (!isRecord(part)) return;
      const path: JsonPath = ['contents', i, 'parts', j];
      const call = field(part, 'functionCall', 'function_call').value;
      if (isRecord(call) && typeof call.name === 'string') {
        const info = { name: call.name, args: argsToText(call.args) };
        if (typeof call.id === 'string') byId.set(call.id, info);
        else byName.set(call.name, [...(byName.get(call.name) ?? []), info]);
        return;
      }
      const response = field(part, 'functionResponse', 'function_response');
      if (isRecord(response.value) && typeof response.value.name === 'string') {
        addFunctionResponse(out, response.value, [...path, response.key], i, byId, byName);
        return;
      }
      if (typeof part.text === 'string' && part.thought !== true) {
        out.add({ message: i, role, kind: 'text', text: part.text, path: [...path, 'text'] });
        if (role === 'user') userTexts.push(part.text);
      }
    });
    if (userTexts.length) out.noteUserText(userTexts.join('\n'));
  });

  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, t) => {
      if (!isRecord(tool)) return;
      const declarations = field(tool, 'functionDeclarations', 'function_declarations');
      if (!Array.isArray(declarations.value)) return;
      declarations.value.forEach((declaration, d) => {
        if (!isRecord(declaration)) return;
        const path = ['tools', t, declarations.key, d];
        const schema = field(declaration, 'parameters', 'parametersJsonSchema');
        addToolDescriptions(out, declaration, [...path, 'description'], schema.value, [...path, schema.key]);
      });
    });
  }
  return { format: F, request, model: undefined, segments: out.segments };
}

function addFunctionResponse(
  out: SegmentCollector,
  response: Record<string, unknown>,
  path: JsonPath,
  message: number,
  byId: Map<string, ToolCallInfo>,
  byName: Map<string, ToolCallInfo[]>,
): void {
  const name = response.name as string;
  const id = typeof response.id === 'string' ? response.id : undefined;
  const call = (id !== undefined ? byId.get(id) : byName.get(name)?.shift()) ?? { name, args: '' };
  if (!isRecord(response.response)) return;
  for (const [key, value] of Object.entries(response.response)) {
    if (typeof value !== 'string') continue;
    out.add({
      message,
      role: 'tool',
      kind: 'tool-result',
      text: value,
      path: [...path, 'response', key],
      call,
      toolCallId: id,
    });
  }
}
