import { serveProxy } from '@headroom/proxy/node';
import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { PROXY_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { describeOutputShaper, OUTPUT_SHAPER_FLAGS } from '../internal/output-shaper.js';
import { openProxyResources } from '../internal/proxy-setup.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `headroom proxy`: serves the proxy until SIGINT or SIGTERM, then closes gracefully. Upstreams
 * come from flags or HEADROOM_UPSTREAM_*; never from ANTHROPIC_BASE_URL / OPENAI_BASE_URL / GOOGLE_GEMINI_BASE_URL,
 * which clients point at the proxy itself.
 */
export async function runProxy(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('proxy', args, {
    host: { type: 'string' },
    port: { type: 'string' },
    'upstream-anthropic': { type: 'string' },
    'upstream-openai': { type: 'string' },
    'upstream-gemini': { type: 'string' },
    memory: { type: 'boolean', default: false },
    'memory-budget': { type: 'string' },
    store: { type: 'string' },
    'memory-db': { type: 'string' },
    ...OUTPUT_SHAPER_FLAGS,
    'context-window': { type: 'string' },
    'image-budget': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, PROXY_HELP);
    return 0;
  }
  if (positionals.length)
    throw usageError(`proxy takes no arguments (got '${positionals[0]}'). Run 'headroom proxy --help'`);
  const host = values.host ?? io.env.HEADROOM_PROXY_HOST ?? '127.0.0.1';
  const portText = values.port ?? io.env.HEADROOM_PROXY_PORT ?? '8787';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw usageError(`--port takes a port number (got '${portText}')`);
  const config = await loadConfig(io);
  const resources = await openProxyResources(io, config, {
    memory: values.memory,
    memoryBudget: values['memory-budget'],
    upstreamAnthropic: values['upstream-anthropic'],
    upstreamOpenAI: values['upstream-openai'],
    upstreamGemini: values['upstream-gemini'],
    store: values.store,
    memoryDb: values['memory-db'],
    'output-shaper': values['output-shaper'],
    verbosity: values.verbosity,
    'output-holdout': values['output-holdout'],
    'effort-routing': values['effort-routing'],
    contextWindows: values['context-window'],
    imageBudget: values['image-budget'],
  });
  const running = await serveProxy({ ...resources.options, host, port });
  if (!LOOPBACK.has(host)) {
    await write(
      io.stderr,
      `headroom: warning: the proxy listens on ${host}, reachable from other machines; bind 127.0.0.1 unless you mean it\n`,
    );
  }
  await write(
    io.stdout,
    `Headroom proxy on ${running.url}\n` +
      `  export ANTHROPIC_BASE_URL=${running.url}\n` +
      `  export OPENAI_BASE_URL=${running.url}/v1\n` +
      `  export GOOGLE_GEMINI_BASE_URL=${running.url}\n` +
      `Storage: ${resources.location}\n` +
      `${describeOutputShaper(resources.outputShaper)}\n` +
      `Stats: ${running.url}/stats · dashboard: ${running.url}/dashboard${running.adminToken ? `?token=${running.adminToken}` : ''} · stop with Ctrl-C\n` +
      (running.adminToken
        ? `Admin token (for /stats and /dashboard from other machines): ${running.adminToken}\n`
        : ''),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
  await resources.close();
  await write(io.stderr, 'headroom: proxy stopped\n');
  return 0;
}
