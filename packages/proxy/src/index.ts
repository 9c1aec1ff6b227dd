// @headroom/proxy — the proxy as a fetch handler (runtime-neutral). Serving it on a socket is
// Node-only: import `serveProxy` from '@headroom/proxy/node'.
export { createProxy, type HeadroomProxy, type ProxyOptions } from './proxy.js';
export type { ProxyStats, RequestRecord } from './stats.js';
