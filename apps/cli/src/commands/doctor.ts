import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { AGENTS } from '../internal/agents.js';
import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { DOCTOR_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { type LastingRoute, lastingRoutes } from '../internal/lasting-routes.js';
import { openStorage, storageUrl } from '../internal/storage.js';

type Status = 'ok' | 'warn' | 'fail';

/** One line of the report: what was checked, how it stands, and what to do when it is not well. */
interface Check {
  readonly name: string;
  readonly status: Status;
  readonly detail: string;
  readonly fix?: string;
}

/** Agents the doctor looks for: those `headroom wrap` launches, and those routed by variables alone. */
const KNOWN_AGENTS = [...new Set([...Object.keys(AGENTS), 'qwen', 'aider', 'copilot'])];
const COMMANDS: Record<string, string> = { qwen: 'qwen', aider: 'aider', copilot: 'copilot' };

/**
 * `headroom doctor`: whether a proxy runs and answers, which upstreams it uses and whether they
 * answer, which agents are installed and how each reaches a model (through `headroom wrap` for a
 * run, or a lasting route of its own — and whether that route leads anywhere), the store, the
 * memory database, the models, the versions. One line per check; exit 1 when something is broken.
 */
export async function runDoctor(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', args, {
    url: { type: 'string' },
    token: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, DOCTOR_HELP);
    return 0;
  }
  if (positionals.length) throw usageError(`doctor takes no arguments. Run 'headroom doctor --help'`);
  const base = (values.url ?? `http://127.0.0.1:${io.env.HEADROOM_PROXY_PORT ?? '8787'}`).replace(/\/$/, '');
  const token = values.token ?? io.env.HEADROOM_ADMIN_TOKEN;
  const checks: Check[] = [
    { name: 'headroom', status: 'ok', detail: `${pkg.version} on Node ${process.versions.node}` },
  ];

  const proxy = await proxyCheck(base, token);
  checks.push(proxy.check, ...(await upstreamChecks(proxy.upstreams)));
  checks.push(...(await agentChecks(io.env, io.env.HOME ?? homedir(), base)));
  checks.push(...(await storageChecks(io)));
  checks.push(await modelCheck('kompress', io.env.HEADROOM_KOMPRESS_MODEL, 'prose uses the extractive compressor'));
  checks.push(await modelCheck('embeddings', io.env.HEADROOM_EMBEDDING_MODEL, 'memory search is full text only'));
  checks.push(await imagesCheck());

  const broken = checks.filter((c) => c.status === 'fail').length;
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ ok: broken === 0, checks })}\n`);
  } else {
    const mark: Record<Status, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };
    const lines = checks.map(
      (c) => `${mark[c.status]} ${c.name.padEnd(18)} ${c.detail}${c.fix && c.status !== 'ok' ? ` — ${c.fix}` : ''}`,
    );
    lines.push(broken ? `${broken} problem${broken === 1 ? '' : 's'} found.` : 'Nothing is broken.');
    await write(io.stdout, `${lines.join('\n')}\n`);
  }
  return broken ? 1 : 0;
}

interface Upstreams {
  readonly [provider: string]: { readonly url: string; readonly configured: boolean };
}

/** Is a Headroom proxy at `base`, and how is it: `/health`, and `/stats` for its upstreams. */
async function proxyCheck(base: string, token: string | undefined): Promise<{ check: Check; upstreams?: Upstreams }> {
  const health = await getJson(`${base}/health`);
  if (health.error !== undefined)
    return {
      check: {
        name: 'proxy',
        status: 'warn',
        detail: `none answers at ${base} (${health.error})`,
        fix: "start one with 'headroom proxy', or run an agent through one with 'headroom wrap <agent>'",
      },
    };
  const body = health.body as { status?: string; checks?: Record<string, { ok: boolean; detail?: string }> };
  if (body?.status !== 'ok' && body?.status !== 'degraded')
    return {
      check: {
        name: 'proxy',
        status: 'fail',
        detail: `something that is not a Headroom proxy answers at ${base}`,
        fix: 'stop it, or run Headroom on another port (HEADROOM_PROXY_PORT)',
      },
    };
  const failing = Object.entries(body.checks ?? {}).filter(([, c]) => !c.ok);
  const stats = await getJson(`${base}/stats`, token);
  const upstreams = (stats.body as { upstreams?: Upstreams } | undefined)?.upstreams;
  return {
    check: failing.length
      ? {
          name: 'proxy',
          status: 'fail',
          detail: `running at ${base}, degraded: ${failing.map(([name, c]) => `${name} ${c.detail ?? 'failing'}`).join('; ')}`,
          fix: 'requests still go through, uncompressed where storage is needed; fix the storage named',
        }
      : { name: 'proxy', status: 'ok', detail: `running at ${base}` },
    ...(upstreams ? { upstreams } : {}),
  };
}

/** Each upstream the proxy uses: does anything answer there? Ones set on purpose must; default ones should. */
async function upstreamChecks(upstreams: Upstreams | undefined): Promise<Check[]> {
  if (!upstreams) return [];
  return Promise.all(
    Object.entries(upstreams).map(async ([provider, { url, configured }]): Promise<Check> => {
      const answer = await reachable(url);
      const name = `upstream ${provider}`;
      if (answer.ok) return { name, status: 'ok', detail: `${url} answers (${answer.detail})` };
      return {
        name,
        status: configured ? 'fail' : 'warn',
        detail: `${url} does not answer (${answer.detail})`,
        fix: configured
          ? `check --upstream-${provider === 'google' ? 'gemini' : provider} (HEADROOM_UPSTREAM_*) and the network`
          : `requests for ${provider} models will fail from here; set --upstream-${provider === 'google' ? 'gemini' : provider} if you use another`,
      };
    }),
  );
}

/** Each installed agent: routed only through `wrap`, or by a lasting route — and where that leads. */
async function agentChecks(env: NodeJS.ProcessEnv, home: string, proxy: string): Promise<Check[]> {
  const checks: Check[] = [];
  const missing: string[] = [];
  for (const agent of KNOWN_AGENTS) {
    const command = AGENTS[agent]?.command ?? COMMANDS[agent] ?? agent;
    if (!onPath(command, env)) {
      missing.push(agent);
      continue;
    }
    const routes = lastingRoutes(agent, env, home);
    if (!routes.length) {
      checks.push({
        name: `agent ${agent}`,
        status: 'ok',
        detail: `installed; talks to its provider directly unless run as 'headroom wrap ${agent}'`,
      });
      continue;
    }
    for (const route of routes) checks.push(await routeCheck(agent, route, proxy));
  }
  if (missing.length) checks.push({ name: 'agents', status: 'ok', detail: `not installed: ${missing.join(', ')}` });
  return checks;
}

async function routeCheck(agent: string, route: LastingRoute, proxy: string): Promise<Check> {
  const name = `agent ${agent}`;
  let origin: string;
  try {
    origin = new URL(route.url).origin;
  } catch {
    return {
      name,
      status: 'fail',
      detail: `lasting route '${route.url}' (${route.source}) is not a URL`,
      fix: `fix or remove it in ${route.source}`,
    };
  }
  const health = await getJson(`${origin}/health`);
  const headroom = ['ok', 'degraded'].includes((health.body as { status?: string } | undefined)?.status ?? '');
  if (headroom)
    return {
      name,
      status: 'ok',
      detail: `routed to Headroom at ${route.url} on every run (${route.source})${origin === new URL(proxy).origin ? '' : ', a proxy other than the one checked above'}`,
    };
  const answer = await reachable(origin);
  if (!answer.ok)
    return {
      name,
      status: 'fail',
      detail: `lasting route to ${route.url} (${route.source}), but nothing answers there (${answer.detail})`,
      fix: `start 'headroom proxy --port ${new URL(origin).port || 80}' or remove the route from ${route.source}`,
    };
  return {
    name,
    status: 'warn',
    detail: `lasting route to ${route.url} (${route.source}), which is not Headroom: its requests are not compressed`,
    fix: `point it at the proxy, or run it as 'headroom wrap ${agent}'`,
  };
}

/** The store of originals (and first sights and figures), and a memory database named apart from it. */
async function storageChecks(io: CliIo): Promise<Check[]> {
  const checks: Check[] = [];
  try {
    const config = await loadConfig(io);
    const storage = await openStorage(io, config, storageUrl(io, config, undefined));
    try {
      const health = await storage.health();
      checks.push({
        name: 'store',
        status: health.ok ? 'ok' : 'fail',
        detail: health.ok ? storage.location : `${storage.location}: ${health.detail}`,
        fix: 'requests go through uncompressed where they need it; check the store (--store, HEADROOM_STORE)',
      });
    } finally {
      await storage.close();
    }
  } catch (error) {
    checks.push({
      name: 'store',
      status: 'fail',
      detail: (error as Error).message.split('\n')[0] ?? 'cannot be opened',
      fix: 'check HEADROOM_STORE and headroom.config.json',
    });
  }
  const memoryDb = io.env.HEADROOM_MEMORY_DB;
  if (memoryDb) {
    try {
      const { openMemoryDb } = await import('../internal/memory-db.js');
      const opened = await openMemoryDb(io, memoryDb);
      try {
        const count = await opened.memory.count();
        checks.push({ name: 'memory', status: 'ok', detail: `${opened.location}: ${count} memories` });
      } finally {
        await opened.memory.close();
      }
    } catch (error) {
      checks.push({
        name: 'memory',
        status: 'fail',
        detail: `${memoryDb.replace(/\/\/[^@/]*@/, '//')}: ${(error as Error).message.split('\n')[0]}`,
        fix: 'check HEADROOM_MEMORY_DB and that the server answers',
      });
    }
  } else
    checks.push({ name: 'memory', status: 'ok', detail: 'in the store’s database (HEADROOM_MEMORY_DB names another)' });
  return checks;
}

/** A model directory named by a variable, read by Kompress's own rule (`readModelDir`), or not configured. */
async function modelCheck(name: string, dir: string | undefined, meanwhile: string): Promise<Check> {
  if (!dir) return { name, status: 'ok', detail: `not configured: ${meanwhile}` };
  const variable = name === 'kompress' ? 'HEADROOM_KOMPRESS_MODEL' : 'HEADROOM_EMBEDDING_MODEL';
  try {
    const { readModelDir } = await import('@headroom/kompress');
    readModelDir(dir, { name: `${name} model`, variable, meanwhile });
    return { name, status: 'ok', detail: dir };
  } catch (error) {
    return {
      name,
      status: 'fail',
      // The rule's own words, without its advice (given as the fix).
      detail: (error as Error).message.split(': set ')[0] ?? dir,
      fix: `fix ${variable} ('headroom models pull <hub-id>' fetches one); meanwhile ${meanwhile}`,
    };
  }
}

/** Whether sharp loads: without it the proxy still runs, but images go as they came and cannot be zoomed. */
async function imagesCheck(): Promise<Check> {
  const { imageCodecStatus } = await import('@headroom/crushers/node');
  const status = await imageCodecStatus();
  if ('error' in status) {
    return {
      name: 'images',
      status: 'warn',
      detail: `sharp does not load (${status.error}): images go as they came, unresized and without zoom`,
      fix: 'reinstall @headroom/crushers with install scripts allowed for sharp',
    };
  }
  return {
    name: 'images',
    status: 'ok',
    detail: `sharp ${status.sharp} (libvips ${status.vips}): resized, downscaled and zoomed`,
  };
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** GET a JSON document, within 3 seconds; the error in a few words when it cannot. */
async function getJson(url: string, token?: string): Promise<{ body?: unknown; error?: string }> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(3000),
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    const text = await response.text();
    try {
      return { body: JSON.parse(text) };
    } catch {
      return { body: undefined };
    }
  } catch (error) {
    return { error: causeOf(error) };
  }
}

/** Whether anything answers HTTP at `url` within 5 seconds (any status counts). */
async function reachable(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000), redirect: 'manual' });
    await response.body?.cancel();
    return { ok: true, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, detail: causeOf(error) };
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
