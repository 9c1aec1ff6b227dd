import { KEY_PREFIX } from '../markers/marker.js';

/** The tool through which a model asks for what a marker left out; every dialect offers it under this name. */
export { RETRIEVE_TOOL_NAME } from '../request/segment-builder.js';

// Short on purpose: the definition is sent with every request of a session (cached after the
// first), so each word costs something even when nothing is ever retrieved.
export const RETRIEVE_TOOL_DESCRIPTION =
  `Get back what a marker like [… 412 of 500 lines omitted · ${KEY_PREFIX}KEY …] left out of an earlier tool result. ` +
  'With a query, only the matching lines or items.';

/** The tool's parameters as JSON Schema, the same in every format. */
export const RETRIEVE_TOOL_PARAMETERS = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'KEY from the marker.' },
    query: { type: 'string', description: 'Optional words to match.' },
    region: {
      type: 'object',
      description: 'Images only: the part to see at full resolution, in original pixels.',
      properties: { x: { type: 'integer' }, y: { type: 'integer' }, w: { type: 'integer' }, h: { type: 'integer' } },
      required: ['x', 'y', 'w', 'h'],
    },
  },
  required: ['key'],
  additionalProperties: false,
} as const;

/**
 * The one rule for offering `headroom_retrieve`, in every mode (proxy, SDK wrappers, adapters): to
 * a conversation that runs tools, from its first request on — whether or not anything was
 * compressed yet — so the tool list never changes mid-session and the provider's prompt cache
 * holds; to one without tools (a title, a summary) only when a marker carries a key to use it with.
 */
export function offersRetrieveTool(declaresTools: boolean, keyCount: number): boolean {
  return declaresTools || keyCount > 0;
}
