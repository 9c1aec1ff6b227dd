import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { serveProxy } from '@headroom/proxy/node';
import { AGENTS, type Route } from '../internal/agents.js';
import { parseCommandArgs } from '../internal/args.js';
import { inputError, usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { WRAP_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { countersPath, openProxyResources } from '../internal/proxy-setup.js';

/**
 * `headroom wrap <agent> [-- args]`: reuses the proxy already listening on the port, or starts one
 * (configured as `headroom proxy` is, and warm before the agent starts) for as long as the agent
 * runs, then launches the agent in the user's directory, pointed at it the way its current
 * version reads (see `AGENTS`), and exits with the agent's exit code. Cursor cannot be launched that way: the settings to
 * paste are printed and the proxy runs until Ctrl-C.
 */
export async function runWrap(args: string[], io: CliIo): Promise<number> {
  const dash = args.indexOf('--');
  const own = dash < 0 ? args : args.slice(0, dash);
  const agentArgs = dash < 0 ? [] : args.slice(dash + 1);
  const { values, positionals } = parseCommandArgs('wrap', own, {
    port: { type: 'string' },
    memory: { type: 'boolean', default: false },
    'memory-budget': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, WRAP_HELP);
    return 0;
  }
  const [agent, ...extra] = positionals;
  const known = [...Object.keys(AGENTS), 'cursor'];
  if (!agent || extra.length || !known.includes(agent)) {
    throw usageError(
      `wrap takes one agent: ${known.join(', ')} (agent arguments go after --). Run 'headroom wrap --help'`,
    );
  }
  const port = Number(values.port ?? io.env.HEADROOM_PROXY_PORT ?? '8787');
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw usageError(`--port takes a port number (got '${values.port}')`);
  const spec = AGENTS[agent];
  if (spec && !onPath(spec.command, io.env)) {
    throw inputError(
      `${spec.command} was not found on PATH; install ${agent} first, or run 'headroom proxy' and point it there yourself`,
    );
  }

  // Reuse a proxy that is already serving on the port; otherwise host one for this session.
  const existing = `http://127.0.0.1:${port}`;
  let url = existing;
  let stats = `${existing}/stats`;
  let stop = async () => {};
  if (!(port > 0 && (await isHeadroomProxy(existing)))) {
    const config = await loadConfig(io);
    const resources = await openProxyResources(io, config, {
      memory: values.memory,
      memoryBudget: values['memory-budget'],
    });
    const options = { ...resources.options, ...(spec ? { provider: spec.provider } : {}) };
    // Ready means warm: the agent's first request pays no loading.
    const running = await serveProxy({ port, ...options }).catch(() => serveProxy({ port: 0, ...options }));
    url = running.url;
    stats = `${running.url}/stats, added up in ${countersPath(io.env)}`;
    stop = async () => {
      await running.close();
      await resources.close();
    };
  }

  try {
    if (!spec) {
      await write(
        io.stdout,
        `Cursor: Settings → Models → "Override OpenAI Base URL": ${url}/v1 (and enable it for your OpenAI key).\nThe Headroom proxy runs until Ctrl-C.\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      return 0;
    }
    let route: Route;
    try {
      route = spec.route(url, io.env);
    } catch (error) {
      throw inputError((error as Error).message);
    }
    await write(
      io.stderr,
      `headroom: ${agent} → ${url} · stats: ${stats}${spec.unverified ? ` · note: ${spec.unverified}` : ''}\n`,
    );
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(spec.command, [...route.args, ...agentArgs], {
        stdio: 'inherit',
        env: { ...io.env, ...route.env },
        cwd: io.cwd,
      });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
        resolve(code ?? (signal ? 128 + 15 : 1));
      });
    });
  } finally {
    await stop();
  }
}

async function isHeadroomProxy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
    return response.ok && ((await response.json()) as { status?: string }).status === 'ok';
  } catch {
    return false;
  }
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}
