import { realpathSync } from 'node:fs';
import { defaultStorePath } from '@headroom/ccr/sqlite';
import { openHeadroomMcp, serveMcpHttp, serveMcpStdio } from '@headroom/mcp';
import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { configuredEmbedder } from '../internal/embedder.js';
import { MCP_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import {
  applyConfigChange,
  clientConfig,
  MCP_CLIENTS,
  type McpClient,
  plain,
  SERVER_NAME,
  type ServerLaunch,
} from '../internal/mcp-clients.js';
import { openMemoryDb } from '../internal/memory-db.js';
import { openStorage, storageUrl } from '../internal/storage.js';
import { assemblePipeline, PROXY_KOMPRESS_DEADLINE_MS } from '../internal/transforms.js';

/** `headroom mcp serve|install|uninstall|print`. */
export async function runMcp(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('mcp', args, {
    http: { type: 'boolean', default: false },
    host: { type: 'string' },
    port: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    config: { type: 'string' },
    store: { type: 'string' },
    'memory-db': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    await write(io.stdout, MCP_HELP);
    return values.help ? 0 : 2;
  }
  if (sub === 'serve') {
    if (rest.length) throw usageError(`mcp serve takes no arguments (got '${rest[0]}'). Run 'headroom mcp --help'`);
    if (!values.http && (values.port !== undefined || values.host !== undefined))
      throw usageError('--port and --host apply to --http; over stdio there is no port. Add --http');
    return serve(io, values);
  }
  if (sub === 'print') {
    if (rest.length) throw usageError(`mcp print takes no arguments (got '${rest[0]}')`);
    await write(io.stdout, `${JSON.stringify({ mcpServers: { [SERVER_NAME]: plain(launch(io)) } }, null, 2)}\n`);
    return 0;
  }
  if (sub !== 'install' && sub !== 'uninstall')
    throw usageError(
      `unknown mcp command '${sub}' (expected serve, install, uninstall or print). Run 'headroom mcp --help'`,
    );
  const [client, ...extra] = rest;
  if (!client || !(MCP_CLIENTS as readonly string[]).includes(client) || extra.length)
    throw usageError(`mcp ${sub} takes one client: ${MCP_CLIENTS.join(', ')}. Run 'headroom mcp --help'`);
  const config = clientConfig(client as McpClient, io.env, values.config);
  const change = applyConfigChange(config, sub === 'install' ? launch(io) : undefined, {
    dryRun: values['dry-run'],
  });
  const verb = values['dry-run'] ? 'would be' : 'was';
  const lines =
    change.action === 'unchanged'
      ? [
          sub === 'install'
            ? `${config.file} already has the ${SERVER_NAME} server as it should be; nothing changed`
            : `${config.file} has no ${SERVER_NAME} server; nothing changed`,
        ]
      : [
          `${config.file}: the ${SERVER_NAME} server ${verb} ${change.action}${change.backup ? ` (backup: ${change.backup})` : ''}`,
          // The entry itself, not the whole file: a real ~/.claude.json runs to thousands of lines.
          ...(values['dry-run'] && sub === 'install'
            ? ['', JSON.stringify({ [SERVER_NAME]: plain(launch(io)) }, null, 2)]
            : []),
        ];
  if (change.action !== 'unchanged' && !values['dry-run'] && sub === 'install')
    lines.push(`Restart ${client === 'json' ? 'the client' : client} to load it.`);
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}

/**
 * How clients launch the server: this Node and this CLI by absolute path (works whether the CLI
 * came from npm, npx or a checkout), with HEADROOM_HOME passed on when it is set.
 */
function launch(io: CliIo): ServerLaunch {
  const script = realpathSync(process.argv[1] as string);
  return {
    command: process.execPath,
    args: [script, 'mcp', 'serve'],
    ...(io.env.HEADROOM_HOME ? { env: { HEADROOM_HOME: io.env.HEADROOM_HOME } } : {}),
  };
}

async function serve(
  io: CliIo,
  values: {
    http?: boolean;
    host?: string;
    port?: string;
    store?: string | undefined;
    'memory-db'?: string | undefined;
  },
): Promise<number> {
  const warn = (message: string) => io.stderr.write(`headroom: warning: ${message}\n`);
  const embedder = await configuredEmbedder(io);
  // headroom_compress routes prose to Kompress when a model is configured, as the CLI does.
  const pipeline = await assemblePipeline(io, { kompressDeadlineMs: PROXY_KOMPRESS_DEADLINE_MS });
  // The machine's database by default (opened by the MCP package with the memories beside it);
  // another store only when one is named.
  const config = await loadConfig(io);
  const url = storageUrl(io, config, values.store);
  const storage = url === 'sqlite:' ? undefined : await openStorage(io, config, url);
  const memoryUrl = values['memory-db'] ?? io.env.HEADROOM_MEMORY_DB;
  const shared = memoryUrl && memoryUrl !== 'sqlite:' ? await openMemoryDb(io, memoryUrl) : undefined;
  const headroom = openHeadroomMcp({
    path: defaultStorePath(io.env),
    ...(storage ? { store: storage.store } : {}),
    ...(shared ? { memory: shared.memory } : {}),
    project: io.cwd,
    onWarning: warn,
    ...(embedder ? { embedder } : {}),
    ...(pipeline.kompress ? { transforms: pipeline.transforms, deadlineMs: pipeline.deadlineMs } : {}),
  });
  try {
    if (!values.http) {
      // Standard output carries the protocol only; anything for people goes to standard error.
      await serveMcpStdio(headroom.createServer());
      return 0;
    }
    const portText = values.port ?? io.env.HEADROOM_MCP_PORT ?? '8788';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw usageError(`--port takes a port number (got '${portText}')`);
    const host = values.host ?? '127.0.0.1';
    if (!['127.0.0.1', 'localhost', '::1'].includes(host))
      warn(`the MCP server listens on ${host}, reachable from other machines; bind 127.0.0.1 unless you mean it`);
    const running = await serveMcpHttp(() => headroom.createServer(), { host, port });
    await write(io.stdout, `Headroom MCP server on ${running.url} · stop with Ctrl-C\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await running.close();
    await write(io.stderr, 'headroom: MCP server stopped\n');
    return 0;
  } finally {
    await headroom.close();
    await storage?.close();
    await shared?.memory.close();
    await pipeline.kompress?.close();
  }
}
