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

/**
 * Which upstream a request that is not a known endpoint goes to: Anthropic when it speaks
 * Anthropic, OpenAI when it carries OpenAI's bearer token, `undefined` when it says nothing
 * either way (a bare probe).
 */
export function isAnthropicRequest(headers: Headers, path: string): boolean | undefined {
  if (headers.has('anthropic-version') || headers.has('x-api-key') || path.startsWith('/v1/messages')) return true;
  if (headers.has('authorization') || path.startsWith('/v1/') || path.startsWith('/backend-api/')) return false;
  return undefined;
}
