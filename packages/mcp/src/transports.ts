import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/** Serves one MCP server on standard input and output until the client closes them. */
export async function serveMcpStdio(server: McpServer): Promise<void> {
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  // The client closing our standard input ends the session.
  process.stdin.once('end', () => void transport.close());
  await closed;
}

export interface McpHttpOptions {
  /** Default 127.0.0.1: for this machine only unless told otherwise. */
  readonly host?: string;
  /** Default 8788; 0 picks a free port. */
  readonly port?: number;
  /** Client sessions kept at once; the oldest is closed beyond it. Default 100. */
  readonly maxSessions?: number;
}

export interface RunningMcpHttp {
  /** The endpoint clients connect to: `http://host:port/mcp`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves MCP over streamable HTTP at `/mcp`: each client session gets its own server from
 * `createServer` (sessions are told apart by the `mcp-session-id` header). Requests addressed to
 * another host name are refused, so no web page can reach it through DNS rebinding.
 */
export function serveMcpHttp(createServer: () => McpServer, options: McpHttpOptions = {}): Promise<RunningMcpHttp> {
  const host = options.host ?? '127.0.0.1';
  const maxSessions = options.maxSessions ?? 100;
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  let allowedHosts: string[] = [];

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname === '/health') return Response.json({ status: 'ok' });
    if (url.pathname !== '/mcp') return Response.json({ error: 'the MCP endpoint is /mcp' }, { status: 404 });
    const id = request.headers.get('mcp-session-id');
    const existing = id ? sessions.get(id) : undefined;
    if (existing) return existing.handleRequest(request);
    if (id)
      return Response.json(
        {
          jsonrpc: '2.0',
          error: { code: -32001, message: 'unknown or expired MCP session; initialize again' },
          id: null,
        },
        { status: 404 },
      );
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      enableDnsRebindingProtection: true,
      allowedHosts,
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport);
        if (sessions.size > maxSessions) {
          const [oldest] = sessions.keys();
          if (oldest) void sessions.get(oldest)?.close();
        }
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createServer().connect(transport);
    return transport.handleRequest(request);
  };

  return new Promise((resolve, reject) => {
    const server = serve({ fetch: handle, hostname: host, port: options.port ?? 8788 }, (info: AddressInfo) => {
      allowedHosts = [`${host}:${info.port}`, `localhost:${info.port}`, `127.0.0.1:${info.port}`];
      const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shown}:${info.port}/mcp`,
        close: async () => {
          await Promise.all([...sessions.values()].map((t) => t.close()));
          await new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
    server.once('error', reject);
  });
}
