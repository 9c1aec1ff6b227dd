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

/**
 * An error as the last event of a stream, for failures after the client already has its 200:
 * Anthropic's `error` event, the Responses API's `error` event, or a Chat Completions chunk
 * carrying `error` followed by `[DONE]` — what each provider's SDK raises as an API error.
 */
export function streamErrorEvent(format: WireFormat, message: string): string {
  if (format === 'anthropic')
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;
  if (format === 'responses')
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code: 'upstream_error', message, param: null })}\n\n`;
  return `data: ${JSON.stringify({ error: { message, type: 'upstream_error', param: null, code: null } })}\n\ndata: [DONE]\n\n`;
}
