// Node-only: serving the proxy on a socket.
import { randomUUID } from 'node:crypto';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultCrushers } from '@headroom/crushers';
import { createSharpCodec, offThread } from '@headroom/crushers/node';
import { serve } from '@hono/node-server';
import { decodeBody } from './decode-body.js';
import { createProxyMetrics } from './metrics.js';
import { createProxy, type HeadroomProxy, type ProxyOptions } from './proxy.js';
import { createUpstreamFetch } from './upstream-fetch.js';
import { serveWebSockets } from './websocket.js';

export { createProxyMetrics, type ProxyMetricsOptions } from './metrics.js';
export { importSavedStats } from './stats-file.js';

export interface ServeOptions extends ProxyOptions {
  /** Default 127.0.0.1: the proxy is for this machine unless told otherwise. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
  /**
   * How long the upstream may send nothing (before its reply starts, or mid-stream) before the
   * request is given up and the client told so in the provider's format. Default 10 minutes.
   */
  readonly upstreamIdleTimeoutMs?: number;
}

export interface RunningProxy {
  readonly url: string;
  readonly proxy: HeadroomProxy;
  /** The token `/stats` and `/dashboard` require; set whenever the proxy is bound beyond loopback. */
  readonly adminToken?: string;
  /** Stops accepting connections and resolves once open ones have finished. */
  close(): Promise<void>;
}

/**
 * Serves the proxy on a real socket.
 *
 * @example
 * const { url, close } = await serveProxy({ port: 8787 })
 * // export ANTHROPIC_BASE_URL=${url}
 */
export function serveProxy(options: ServeOptions = {}): Promise<RunningProxy> {
  const host = options.host ?? '127.0.0.1';
  // Beyond loopback, other machines can reach the admin pages: they then need a token.
  const exposed = !['127.0.0.1', 'localhost', '::1'].includes(host);
  const adminToken = options.adminToken ?? (exposed ? randomUUID() : undefined);
  const warn = options.onWarning ?? ((message: string) => process.stderr.write(`headroom: warning: ${message}\n`));
  // Large segments are compressed on a worker thread, so the proxy keeps answering meanwhile.
  const crushers = offThread(options.transforms ?? defaultCrushers());
  const proxy = createProxy({
    ...options,
    transforms: crushers.transforms,
    onWarning: warn,
    decodeBody: options.decodeBody ?? decodeBody,
    metrics: options.metrics ?? createProxyMetrics(),
    imageCodec: options.imageCodec ?? createSharpCodec(),
    fetch:
      options.fetch ??
      createUpstreamFetch(options.upstreamIdleTimeoutMs ? { idleTimeoutMs: options.upstreamIdleTimeoutMs } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(exposed ? { adminHosts: [...(options.adminHosts ?? []), host] } : {}),
  });
  // Listening only once warm: whoever waits for the port (wrap, a supervisor) gets a proxy whose first request is fast.
  return Promise.all([proxy.ready(), crushers.ready().catch(() => {})]).then(() =>
    listen(proxy, options, host, adminToken, crushers.close),
  );
}

function listen(
  proxy: HeadroomProxy,
  options: ServeOptions,
  host: string,
  adminToken: string | undefined,
  closeWorkers: () => Promise<void>,
): Promise<RunningProxy> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: proxy.fetch, hostname: host, port: options.port ?? 8787 }, (info: AddressInfo) => {
      // Codex speaks the Responses API over a WebSocket first; the same server takes the upgrade.
      const sockets = serveWebSockets(server as Server, proxy);
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      const url = `http://${shown}:${info.port}`;
      // One request over the socket before saying ready, so the server's own first-request work
      // (the adapter's request and response objects) is not paid by a client's first request.
      const ready = () =>
        resolve({
          url,
          proxy,
          ...(adminToken ? { adminToken } : {}),
          close: () =>
            new Promise((done) => {
              sockets.close();
              server.close(() => {
                void proxy.close().then(closeWorkers).then(done, done);
              });
            }),
        });
      get(`${url}/health`, { agent: false }, (response) => {
        response.resume();
        response.once('end', ready);
      }).once('error', ready);
    });
    server.once('error', (error) => {
      void proxy.close();
      reject(error);
    });
  });
}
