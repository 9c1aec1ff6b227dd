/** Headers that describe one hop, not the request: never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  // An expectation is between the client and this hop: Node answers the client's
  // `100-continue` itself, and the upstream gets the whole body at once.
  'expect',
  // The proxy speaks to upstream in identity encoding so it can relay bytes as they arrive.
  'accept-encoding',
  // Headroom's own controls stay here.
  'x-headroom-bypass',
  'x-headroom-session',
]);

/** The client's headers as they go upstream: auth, betas, versions and unknown headers untouched. */
export function upstreamHeaders(incoming: Headers): Headers {
  const headers = new Headers();
  const named = new Set((incoming.get('connection') ?? '').split(',').map((h) => h.trim().toLowerCase()));
  incoming.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named.has(lower)) headers.set(name, value);
  });
  headers.set('accept-encoding', 'identity');
  return headers;
}

/** The upstream's headers as they go back to the client, minus framing the runtime redoes. */
export function clientHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  upstream.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && lower !== 'content-encoding') headers.set(name, value);
  });
  return headers;
}

/** The providers the proxy forwards to. */
export type Provider = 'anthropic' | 'openai' | 'google';

/**
 * Which upstream a request that is not a compressed endpoint goes to: Google when it carries a
 * Gemini key or names a Gemini path (`/v1beta/…`, a `models/x:method`), Anthropic when it speaks
 * Anthropic, OpenAI when it carries OpenAI's bearer token; `undefined` when it says nothing
 * either way (a bare probe).
 */
export function providerOfRequest(headers: Headers, url: URL): Provider | undefined {
  const path = url.pathname;
  if (
    headers.has('x-goog-api-key') ||
    url.searchParams.has('key') ||
    /^\/(upload\/)?v1(beta|alpha)\//.test(path) ||
    /\/models\/[^/]+:[a-zA-Z]+$/.test(path)
  )
    return 'google';
  if (headers.has('anthropic-version') || headers.has('x-api-key') || path.startsWith('/v1/messages'))
    return 'anthropic';
  if (headers.has('authorization') || path.startsWith('/v1/') || path.startsWith('/backend-api/')) return 'openai';
  return undefined;
}
