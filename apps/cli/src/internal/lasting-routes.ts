import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';

/** A base URL an agent will use on every run, and where it is set. */
export interface LastingRoute {
  readonly url: string;
  /** The variable or file that sets it, as the user would look for it. */
  readonly source: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `KEY=value` lines of a dotenv file. */
function dotenv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) out[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/**
 * Where each agent's base URL is set to last beyond one run — the environment the doctor runs in,
 * and the agent's own configuration — as its current version reads it (see `AGENTS`):
 * Claude Code `ANTHROPIC_BASE_URL` (environment, or `env` in ~/.claude/settings.json); Codex
 * `openai_base_url` or a provider's `base_url` in $CODEX_HOME/config.toml (it ignores
 * OPENAI_BASE_URL); Gemini CLI `GOOGLE_GEMINI_BASE_URL` (environment or ~/.gemini/.env); opencode
 * a provider's `options.baseURL` in ~/.config/opencode/opencode.json, else `ANTHROPIC_BASE_URL`;
 * aider and Qwen Code `OPENAI_API_BASE`/`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`.
 */
export function lastingRoutes(agent: string, env: NodeJS.ProcessEnv, home: string): LastingRoute[] {
  const fromEnv = (...names: string[]) =>
    names.flatMap((name) => (env[name] ? [{ url: env[name] as string, source: `$${name}` }] : []));
  switch (agent) {
    case 'claude': {
      const dir = env.CLAUDE_CONFIG_DIR ?? join(home, '.claude');
      const settings = readJson(join(dir, 'settings.json'));
      const set = isRecord(settings) && isRecord(settings.env) ? settings.env.ANTHROPIC_BASE_URL : undefined;
      return [
        ...fromEnv('ANTHROPIC_BASE_URL'),
        ...(typeof set === 'string' ? [{ url: set, source: join(dir, 'settings.json') }] : []),
      ];
    }
    case 'codex': {
      const file = join(env.CODEX_HOME || join(home, '.codex'), 'config.toml');
      if (!existsSync(file)) return [];
      let config: Record<string, unknown>;
      try {
        config = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        return [];
      }
      const routes: LastingRoute[] = [];
      if (typeof config.openai_base_url === 'string') routes.push({ url: config.openai_base_url, source: file });
      const providers = isRecord(config.model_providers) ? config.model_providers : {};
      const chosen = typeof config.model_provider === 'string' ? providers[config.model_provider] : undefined;
      if (isRecord(chosen) && typeof chosen.base_url === 'string')
        routes.push({ url: chosen.base_url, source: `${file} [model_providers.${String(config.model_provider)}]` });
      return routes;
    }
    case 'gemini':
      return [
        ...fromEnv('GOOGLE_GEMINI_BASE_URL'),
        ...Object.entries(dotenv(join(home, '.gemini', '.env')))
          .filter(([key]) => key === 'GOOGLE_GEMINI_BASE_URL')
          .map(([, url]) => ({ url, source: join(home, '.gemini', '.env') })),
      ];
    case 'opencode': {
      const file = join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'opencode', 'opencode.json');
      const config = readJson(file);
      const providers = isRecord(config) && isRecord(config.provider) ? config.provider : {};
      const configured = Object.entries(providers).flatMap(([name, p]) =>
        isRecord(p) && isRecord(p.options) && typeof p.options.baseURL === 'string'
          ? [{ url: p.options.baseURL, source: `${file} (provider ${name})` }]
          : [],
      );
      return configured.length ? configured : fromEnv('ANTHROPIC_BASE_URL');
    }
    case 'aider':
    case 'qwen':
      return fromEnv('OPENAI_API_BASE', 'OPENAI_BASE_URL', 'ANTHROPIC_BASE_URL');
    case 'copilot':
      return fromEnv('COPILOT_PROVIDER_BASE_URL');
    default:
      return [];
  }
}
