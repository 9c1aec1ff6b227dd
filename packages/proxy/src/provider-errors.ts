import type { WireFormat } from '@headroom/core';

/**
 * An error in the shape the client's SDK parses: Anthropic's `{type: "error", error: {...}}` or
 * OpenAI's `{error: {message, type, ...}}`, so the client reports it instead of choking on it.
 */
export function providerError(
  format: WireFormat | 'passthrough',
  status: number,
  type: string,
  message: string,
): Response {
  const body =
    format === 'anthropic'
      ? { type: 'error', error: { type, message } }
      : { error: { message, type, param: null, code: null } };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
