import {
  DIALECTS,
  type ImageRegion,
  RETRIEVE_TOOL_NAME,
  type RetrieveAnswer,
  type Store,
  type WireFormat,
} from '@headroom/core';
import { retrieve } from '../retrieve/retrieve.js';
import type { RetrieveImages } from '../retrieve/retrieve-image.js';

export { RETRIEVE_TOOL_NAME };

/**
 * The `headroom_retrieve` tool definition in a provider's own shape, ready to append to the
 * request's tool list (the format's dialect writes it).
 *
 * @example
 * body.tools = [...(body.tools ?? []), retrieveToolDefinition('anthropic')]
 */
export function retrieveToolDefinition(format: WireFormat): Record<string, unknown> {
  return DIALECTS[format].retrieveTool();
}

/** What a retrieve call gets back: the text for the model, and whether the call failed. */
export type RetrieveCallResult = RetrieveAnswer;

/**
 * Executes a `headroom_retrieve` call. `args` is what the model sent: a JSON string (OpenAI,
 * Responses) or an object (Anthropic). Never throws; problems come back as text the model can
 * act on.
 */
export async function handleRetrieveCall(
  store: Store,
  args: unknown,
  images?: RetrieveImages,
): Promise<RetrieveCallResult> {
  let parsed: unknown = args;
  if (typeof args === 'string') {
    try {
      parsed = JSON.parse(args);
    } catch {
      return { text: 'headroom_retrieve needs JSON arguments like {"key": "…", "query": "…"}.', isError: true };
    }
  }
  const { key, query, region } = (parsed ?? {}) as { key?: unknown; query?: unknown; region?: unknown };
  if (typeof key !== 'string' || (query !== undefined && typeof query !== 'string')) {
    return {
      text: 'headroom_retrieve needs a string "key" (from an omission marker) and an optional string "query".',
      isError: true,
    };
  }
  const area = regionOf(region);
  if (region !== undefined && region !== null && !area) {
    return {
      text: 'headroom_retrieve needs "region" as {"x": …, "y": …, "w": …, "h": …}: whole numbers of pixels of the original image.',
      isError: true,
    };
  }
  try {
    const result = await retrieve(store, key, {
      ...(query ? { query } : {}),
      ...(area ? { region: area } : {}),
      ...(images ? { images } : {}),
    });
    return {
      text: result.text,
      isError: !result.found,
      ...(result.found && result.image ? { image: result.image } : {}),
    };
  } catch (error) {
    return {
      text: `The Headroom store could not be read (${(error as Error).message}). Run the tool again to get the content.`,
      isError: true,
    };
  }
}

/** Wraps a retrieve result as the provider's tool-result message or block, answering `callId`. */
export function retrieveToolResult(
  format: WireFormat,
  callId: string,
  result: RetrieveCallResult,
): Record<string, unknown> {
  return DIALECTS[format].toolResult(callId, result);
}

/** A region as the model wrote it: four numbers (or numeric strings), none negative. */
function regionOf(value: unknown): ImageRegion | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const read = (name: string) => {
    const raw = (value as Record<string, unknown>)[name];
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
  };
  const [x, y, w, h] = ['x', 'y', 'w', 'h'].map(read);
  return x === undefined || y === undefined || w === undefined || h === undefined ? undefined : { x, y, w, h };
}
