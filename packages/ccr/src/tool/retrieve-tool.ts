import { KEY_PREFIX, RETRIEVE_TOOL_NAME, type Store, type WireFormat } from '@headroom/core';
import { retrieve } from '../retrieve/retrieve.js';

export { RETRIEVE_TOOL_NAME };

// Short on purpose: the definition is sent with every request of a session (cached after the
// first), so each word costs something even when nothing is ever retrieved.
const DESCRIPTION =
  `Get back what a marker like [… 412 of 500 lines omitted · ${KEY_PREFIX}KEY …] left out of an earlier tool result. ` +
  'With a query, only the matching lines or items.';

const PARAMETERS = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'KEY from the marker.' },
    query: { type: 'string', description: 'Optional words to match.' },
  },
  required: ['key'],
  additionalProperties: false,
} as const;

/**
 * The `headroom_retrieve` tool definition in a provider's own shape, ready to append to the
 * request's tool list.
 *
 * @example
 * body.tools = [...(body.tools ?? []), retrieveToolDefinition('anthropic')]
 */
export function retrieveToolDefinition(format: WireFormat): Record<string, unknown> {
  switch (format) {
    case 'openai':
      return {
        type: 'function',
        function: { name: RETRIEVE_TOOL_NAME, description: DESCRIPTION, parameters: PARAMETERS },
      };
    case 'anthropic':
      return { name: RETRIEVE_TOOL_NAME, description: DESCRIPTION, input_schema: PARAMETERS };
    case 'responses':
      return {
        type: 'function',
        name: RETRIEVE_TOOL_NAME,
        description: DESCRIPTION,
        parameters: PARAMETERS,
        strict: false,
      };
  }
}

export interface RetrieveCallResult {
  readonly text: string;
  /** True when the call could not be answered (bad arguments, unknown or expired key). */
  readonly isError: boolean;
}

/**
 * Executes a `headroom_retrieve` call. `args` is what the model sent: a JSON string (OpenAI,
 * Responses) or an object (Anthropic). Never throws; problems come back as text the model can
 * act on.
 */
export async function handleRetrieveCall(store: Store, args: unknown): Promise<RetrieveCallResult> {
  let parsed: unknown = args;
  if (typeof args === 'string') {
    try {
      parsed = JSON.parse(args);
    } catch {
      return { text: 'headroom_retrieve needs JSON arguments like {"key": "…", "query": "…"}.', isError: true };
    }
  }
  const { key, query } = (parsed ?? {}) as { key?: unknown; query?: unknown };
  if (typeof key !== 'string' || (query !== undefined && typeof query !== 'string')) {
    return {
      text: 'headroom_retrieve needs a string "key" (from an omission marker) and an optional string "query".',
      isError: true,
    };
  }
  try {
    const result = await retrieve(store, key, query ? { query } : {});
    return { text: result.text, isError: !result.found };
  } catch (error) {
    return {
      text: `The Headroom store could not be read (${(error as Error).message}). Run the tool again to get the content.`,
      isError: true,
    };
  }
}

/**
 * Wraps a retrieve result as the provider's tool-result message or block, answering `callId`.
 */
export function retrieveToolResult(
  format: WireFormat,
  callId: string,
  result: RetrieveCallResult,
): Record<string, unknown> {
  switch (format) {
    case 'openai':
      return { role: 'tool', tool_call_id: callId, content: result.text };
    case 'anthropic':
      return {
        type: 'tool_result',
        tool_use_id: callId,
        content: result.text,
        ...(result.isError ? { is_error: true } : {}),
      };
    case 'responses':
      return { type: 'function_call_output', call_id: callId, output: result.text };
  }
}
