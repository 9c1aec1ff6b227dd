// Node-only: serving the proxy on a socket.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createProxy, type HeadroomProxy, type ProxyOptions } from './proxy.js';

export interface ServeOptions extends ProxyOptions {
  /** Default 127.0.0.1: the proxy is for this machine unless told otherwise. */
  readonly host?: string;
  /** Default 8787; 0 picks a free port. */
  readonly port?: number;
}

export interface RunningProxy {
  readonly url: string;
  readonly proxy: HeadroomProxy;
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
  const proxy = createProxy(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: proxy.fetch, hostname: host, port: options.port ?? 8787 }, (info: AddressInfo) => {
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}`,
        proxy,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
