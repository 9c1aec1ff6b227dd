import { handleRetrieveCall } from '@headroom/ccr';
import { DIALECTS, type Store, type WireFormat, withFirstInput } from '@headroom/core';
import { clientHeaders } from './forward.js';
import { providerError } from './provider-errors.js';

/** Retrieve rounds the proxy answers itself before it gives the model's reply to the client. */
export const MAX_RETRIEVE_ROUNDS = 3;

/**
 * The next request of a retrieve round: the request, the model's turn that made the calls, and
 * the proxy's answers. When the model also called the client's own tools in that turn, only the
 * retrieve calls are answered here: the model sees the originals and calls the client's tools
 * again in its next turn, which the client then receives as usual.
 */
export async function followUp(
  format: WireFormat,
  request: Record<string, unknown>,
  reply: Record<string, unknown>,
  store: Store,
): Promise<Record<string, unknown>> {
  const dialect = DIALECTS[format];
  const answers = await Promise.all(
    dialect.retrieveCalls(reply).map(async (c) => dialect.toolResult(c.id, await handleRetrieveCall(store, c.args))),
  );
  return dialect.followUp(request, reply, answers);
}

/**
 * Answers the retrieve calls of a non-streaming reply and asks the model again, up to
 * `MAX_RETRIEVE_ROUNDS` times; the client gets the last reply (or the upstream's error, status
 * and body kept). A round that cannot reach the upstream is answered 502 in the provider's format.
 */
export async function answerRetrievals(
  format: WireFormat,
  request: Record<string, unknown>,
  reply: Record<string, unknown>,
  options: {
    readonly store: Store;
    readonly send: (body: string) => Promise<Response>;
    readonly onReply?: (reply: unknown) => void;
  },
): Promise<Response> {
  const dialect = DIALECTS[format];
  // The client is shown its own context's usage, the first round's (see withFirstInput).
  const firstUsage = reply[dialect.usage.key];
  let current = request;
  let last = reply;
  let response: Response | undefined;
  let payload = JSON.stringify(reply);
  for (let round = 0; round < MAX_RETRIEVE_ROUNDS && dialect.retrieveCalls(last).length; round++) {
    current = await followUp(format, current, last, options.store);
    try {
      response = await options.send(JSON.stringify(current));
      payload = await response.text();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return providerError(
        format,
        502,
        'upstream_unreachable',
        `a retrieve round could not reach the upstream: ${reason}`,
      );
    }
    if (!response.ok)
      return new Response(payload, { status: response.status, headers: clientHeaders(response.headers) });
    try {
      last = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      // Not JSON after all: relayed as it is.
      return new Response(payload, { status: 200, headers: clientHeaders(response.headers) });
    }
    options.onReply?.(last);
  }
  if (response && firstUsage !== undefined && last[dialect.usage.key] !== undefined)
    payload = JSON.stringify({
      ...last,
      [dialect.usage.key]: withFirstInput(last[dialect.usage.key], firstUsage, dialect.usage.fields),
    });
  return new Response(payload, {
    status: 200,
    headers: response ? clientHeaders(response.headers) : { 'content-type': 'application/json' },
  });
}
