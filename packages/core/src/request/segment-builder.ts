import { hasMarkers } from '../markers/marker.js';
import { isRetrievedContent } from '../markers/retrieved.js';
import type { JsonPath, Role, Segment, SegmentKind } from './segment.js';

/** The name of the retrieve tool; results of its calls are never compressed again. */
export const RETRIEVE_TOOL_NAME = 'headroom_retrieve';

export interface ToolCallInfo {
  readonly name: string;
  readonly args: string;
}

interface SegmentDraft {
  message: number;
  role: Role;
  kind: SegmentKind;
  text: string;
  path: JsonPath;
  call?: ToolCallInfo | undefined;
  toolCallId?: string | undefined;
  protected?: boolean;
}

/**
 * Collects segments in reading order for an adapter and derives what every format shares:
 * the query (tool call + last user text before it) and the content flags.
 */
export class SegmentCollector {
  readonly segments: Segment[] = [];
  private lastUserText = '';

  /** Record user prose seen so far; it becomes the query of what follows. */
  noteUserText(text: string): void {
    if (text.trim()) this.lastUserText = text;
  }

  add(draft: SegmentDraft): void {
    const { call } = draft;
    const query = toolResultQuery(call, this.lastUserText);
    this.segments.push({
      index: this.segments.length,
      message: draft.message,
      role: draft.role,
      kind: draft.kind,
      text: draft.text,
      path: draft.path,
      ...(call ? { toolName: call.name, toolArgs: call.args } : {}),
      ...(draft.toolCallId !== undefined ? { toolCallId: draft.toolCallId } : {}),
      query,
      flags: {
        protected: draft.protected ?? false,
        alreadySent: false,
        alreadyCompressed: hasMarkers(draft.text),
        retrieved: call?.name === RETRIEVE_TOOL_NAME || isRetrievedContent(draft.text),
      },
    });
  }
}

/**
 * The query of a tool result, the one rule every mode uses (it feeds the first-sight key, so one
 * output compresses the same in the proxy, the SDK wrappers and the adapters): the call's name and
 * arguments as the model wrote them, then the user's last words before it; without a known call,
 * the user's words alone.
 */
export function toolResultQuery(call: ToolCallInfo | undefined, userText: string): string {
  if (!call) return userText;
  const callPart = `${call.name} ${call.args}`;
  return userText ? `${callPart}\n${userText}` : callPart;
}

/** Tool-call arguments as text: strings stay as the model wrote them, objects become JSON. */
export function argsToText(args: unknown): string {
  if (typeof args === 'string') return args;
  if (args === undefined) return '';
  return JSON.stringify(args);
}

/**
 * Adds a tool's description and its parameters' descriptions as `tool-schema` segments. Only
 * description strings become segments: names, types, required fields, enums and defaults are
 * never anything Headroom can touch.
 */
export function addToolDescriptions(
  out: SegmentCollector,
  tool: Record<string, unknown>,
  descriptionPath: JsonPath,
  schema: unknown,
  schemaPath: JsonPath,
): void {
  const add = (text: unknown, path: JsonPath) => {
    if (typeof text === 'string') out.add({ message: -1, role: 'system', kind: 'tool-schema', text, path });
  };
  add(tool.description, descriptionPath);
  const properties = isRecordLike(schema) ? schema.properties : undefined;
  if (!isRecordLike(properties)) return;
  for (const [name, property] of Object.entries(properties)) {
    if (isRecordLike(property)) add(property.description, [...schemaPath, 'properties', name, 'description']);
  }
}

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
