// Node-only: the proxy's way upstream.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/** Providers allow non-streaming requests up to 10 minutes; a long thinking turn can take that. */
export const DEFAULT_UPSTREAM_IDLE_MS = 10 * 60_000;

export interface UpstreamFetchOptions {
  /**
   * How long the upstream may send nothing — before the response head, or between two chunks of
   * a stream — before the request is given up. Default 10 minutes.
   */
  readonly idleTimeoutMs?: number;
}

/**
 * A `fetch` for the upstream that sends exactly the headers it is given. The runtime's own
 * `fetch` adds headers of a browser's (`accept-language`, `sec-fetch-mode`, a user agent when
 * there is none) that the client never sent, and cuts replies at 300 s; a proxy must do neither.
 * Connections are pooled (keep-alive), no redirect is ever followed (the client gets it as it
 * came, so credentials never go to a host the user did not configure), nothing is decompressed,
 * and the body streams as it arrives.
 */
export function createUpstreamFetch(
  options: UpstreamFetchOptions = {},
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const idle = options.idleTimeoutMs ?? DEFAULT_UPSTREAM_IDLE_MS;
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return (input, init = {}) => send(input, init, idle, agents);
}

function send(
  input: string | URL | Request,
  init: RequestInit,
  idle: number,
  agents: { http: HttpAgent; https: HttpsAgent },
): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const secure = url.protocol === 'https:';
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array))
    throw new TypeError('the upstream fetch sends string or byte bodies only');
  return new Promise((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason);
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http },
      (response) => resolve(toResponse(response)),
    );
    request.setTimeout(idle, () =>
      request.destroy(new Error(`the upstream sent nothing for ${Math.round(idle / 1000)} s`)),
    );
    const abort = () => request.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    request.once('close', () => signal?.removeEventListener('abort', abort));
    request.once('error', reject);
    request.end(body ?? undefined);
  });
}

function toResponse(response: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i < response.rawHeaders.length; i += 2)
    headers.append(response.rawHeaders[i] as string, response.rawHeaders[i + 1] as string);
  const status = response.statusCode ?? 502;
  const empty = status === 204 || status === 304 || status < 200;
  if (empty) response.resume();
  return new Response(empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
    status,
    statusText: response.statusMessage ?? '',
    headers,
  });
}
