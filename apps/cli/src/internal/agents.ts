import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { headroomHome } from '@headroom/core';

/** How one run of an agent is pointed at the proxy: variables and arguments for that run only. */
export interface Route {
  readonly env: Record<string, string>;
  /** Arguments placed before the user's own (global options such as Codex's `-c`). */
  readonly args: readonly string[];
}

export interface AgentRouting {
  readonly command: string;
  /** The provider its requests go to by default, so the proxy sends its bare probes there too. */
  readonly provider: 'anthropic' | 'openai' | 'google';
  /**
   * What the version on npm today reads, applied for one run; never a replaced config home (the
   * user's auth and history live there) and never an edit of the user's files. Throws a message
   * when the agent cannot be routed as the user has it set up.
   */
  route(url: string, env: NodeJS.ProcessEnv): Route;
  /** Said when the route was not checked against the real agent. */
  readonly unverified?: string;
}

/**
 * The agents `headroom wrap` launches, each routed by the mechanism its current version reads
 * (checked by the e2e suite against claude 2.1.332, codex 0.171.0, opencode 1.18.33, pi 0.73.1
 * and gemini 0.61.0 as installed from npm).
 */
export const AGENTS: Readonly<Record<string, AgentRouting>> = {
  claude: { command: 'claude', provider: 'anthropic', route: (url) => only({ ANTHROPIC_BASE_URL: url }) },
  // Codex 0.17x ignores OPENAI_BASE_URL; its built-in provider reads `openai_base_url` (and speaks
  // Responses over a WebSocket first, which the proxy serves).
  codex: {
    command: 'codex',
    provider: 'openai',
    route: (url) => ({ env: {}, args: ['-c', `openai_base_url=${JSON.stringify(`${url}/v1`)}`] }),
  },
  // opencode takes provider options from OPENCODE_CONFIG_CONTENT over the user's own config files,
  // where a baseURL of the user's would otherwise win over the variables.
  opencode: {
    command: 'opencode',
    provider: 'anthropic',
    route: (url, env) => only({ OPENCODE_CONFIG_CONTENT: opencodeConfig(url, env.OPENCODE_CONFIG_CONTENT) }),
  },
  // pi reads no base-URL variable; a small extension loaded for this run re-points its providers.
  pi: {
    command: 'pi',
    provider: 'anthropic',
    route: (url, env) => ({
      env: { HEADROOM_PI_ANTHROPIC_BASE_URL: url, HEADROOM_PI_OPENAI_BASE_URL: `${url}/v1` },
      args: ['-e', piExtension(env)],
    }),
  },
  // Gemini CLI (0.61) sends Gemini API requests to GOOGLE_GEMINI_BASE_URL when it logs in with an
  // API key; a Google login talks to Code Assist instead, which no base URL redirects.
  gemini: {
    command: 'gemini',
    provider: 'google',
    route: (url, env) => {
      const selected = geminiAuthType(env);
      if (selected && selected !== 'gemini-api-key')
        throw new Error(
          `Gemini CLI is set to log in with '${selected}', whose requests do not go through a base URL; choose the Gemini API key login (/auth in gemini) to use it through Headroom`,
        );
      return only({ GOOGLE_GEMINI_BASE_URL: url });
    },
  },
  qwen: {
    command: 'qwen',
    provider: 'openai',
    route: (url) => only({ OPENAI_BASE_URL: `${url}/v1`, ANTHROPIC_BASE_URL: url }),
    unverified: 'Qwen Code reads OPENAI_BASE_URL and ANTHROPIC_BASE_URL by its documentation; not run here',
  },
  copilot: {
    command: 'copilot',
    provider: 'openai',
    route: (url, env) => {
      const type = env.COPILOT_PROVIDER_TYPE;
      if (type !== 'openai' && type !== 'anthropic')
        throw new Error(
          "GitHub Copilot CLI talks to GitHub's own service unless it is given a provider of yours: set COPILOT_PROVIDER_TYPE=openai or anthropic and COPILOT_PROVIDER_API_KEY, and wrap points it at Headroom",
        );
      return only({ COPILOT_PROVIDER_BASE_URL: type === 'openai' ? `${url}/v1` : url });
    },
    unverified:
      'Copilot CLI reads COPILOT_PROVIDER_BASE_URL with a provider of your own by its documentation; not run here',
  },
  aider: {
    command: 'aider',
    provider: 'openai',
    route: (url) =>
      only({
        ANTHROPIC_BASE_URL: url,
        ANTHROPIC_API_BASE: url,
        OPENAI_API_BASE: `${url}/v1`,
        OPENAI_BASE_URL: `${url}/v1`,
      }),
    unverified: 'aider (Python) is configured by its documented variables; not run here',
  },
};

/** The login Gemini CLI's user settings select (`security.auth.selectedType`), if they can be read. */
function geminiAuthType(env: NodeJS.ProcessEnv): string | undefined {
  const home = env.GEMINI_CLI_HOME ?? env.HOME;
  if (!home) return undefined;
  try {
    // The file may carry comments; whole-line ones are the common case.
    const text = readFileSync(join(home, '.gemini', 'settings.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const selected = (JSON.parse(text) as { security?: { auth?: { selectedType?: unknown } } }).security?.auth
      ?.selectedType;
    return typeof selected === 'string' ? selected : undefined;
  } catch {
    return undefined;
  }
}

function only(env: Record<string, string>): Route {
  return { env, args: [] };
}

/** The user's own OPENCODE_CONFIG_CONTENT, if any, with the providers' base URLs pointed at the proxy. */
function opencodeConfig(url: string, own: string | undefined): string {
  let config: Record<string, unknown> = {};
  if (own) {
    try {
      const parsed = JSON.parse(own) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) config = parsed as typeof config;
    } catch {
      throw new Error('OPENCODE_CONFIG_CONTENT is not JSON; fix or unset it, then wrap opencode again');
    }
  }
  const providers = (config.provider ?? {}) as Record<string, { options?: Record<string, unknown> }>;
  const at = (name: string, baseURL: string) => ({
    ...providers[name],
    options: { ...providers[name]?.options, baseURL },
  });
  return JSON.stringify({
    ...config,
    provider: { ...providers, anthropic: at('anthropic', `${url}/v1`), openai: at('openai', `${url}/v1`) },
  });
}

const PI_EXTENSION = `// Written by headroom wrap: points pi's providers at the Headroom proxy for wrapped runs only.
export default function (pi) {
  const anthropic = process.env.HEADROOM_PI_ANTHROPIC_BASE_URL;
  const openai = process.env.HEADROOM_PI_OPENAI_BASE_URL;
  if (anthropic) pi.registerProvider('anthropic', { baseUrl: anthropic });
  if (openai) pi.registerProvider('openai', { baseUrl: openai });
}
`;

/** The extension file under Headroom's own home (written once, rewritten only if it changed). */
function piExtension(env: NodeJS.ProcessEnv): string {
  const dir = join(headroomHome(env), 'agents');
  const path = join(dir, 'pi-headroom.js');
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== PI_EXTENSION) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, PI_EXTENSION);
  }
  return path;
}
