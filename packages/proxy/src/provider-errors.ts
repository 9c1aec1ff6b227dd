import { DIALECTS, type WireFormat } from '@headroom/core';

/**
 * An error in the shape the client's SDK parses (the format's dialect writes it), so the client
 * reports it instead of choking on it.
 */
export function providerError(format: WireFormat, status: number, type: string, message: string): Response {
  return new Response(JSON.stringify(DIALECTS[format].errorBody(status, type, message)), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
