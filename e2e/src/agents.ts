import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conversation } from './conversation.js';
import { LARGE_OUTPUTS } from './outputs.js';
import { PLAN_TAG, type PlanStep } from './script.js';
import type { Format } from './scripted-model.js';

/**
 * How the suite runs one agent: its command for one non-interactive prompt, how it is pointed at
 * a base URL by hand (the way a user following the README would), and the tool calls of its plan.
 */
export interface AgentSpec {
  /** The name `headroom wrap` takes. */
  readonly name: string;
  readonly version: string;
  readonly format: Format;
  readonly command: string;
  /** Arguments for one prompt, run non-interactively with its tools allowed. */
  args(prompt: string, options?: { continue?: boolean }): string[];
  /** What pointing it at `baseUrl` by hand takes (variables), beside its fake key and switches. */
  routeEnv(baseUrl: string): Record<string, string>;
  /** Arguments that point it at `baseUrl` by hand, placed before `args`, for agents routed by flags. */
  routeArgs?(baseUrl: string): string[];
  /** Fake key, telemetry and update switches: what any run needs, routed or not. */
  readonly env: Record<string, string>;
  readonly plan: readonly PlanStep[];
  /** The call of its own file-reading tool that shows the model an image file, where it has one. */
  readImage?(path: string): { name: string; input: Record<string, unknown> };
  /** Speaks Responses over a WebSocket by default: no turn may fall back to HTTPS. */
  readonly webSocket?: boolean;
  /** What a user of it has set up once in their home before (a login choice), written into the scratch home. */
  prepareHome?(home: string): void;
}

export const PROMPT = `${PLAN_TAG} Look at the library listing, the package log and the diagnostics JSON, then report.`;

/** The path Claude Code saved a large Bash output to, from its `<persisted-output>` preview. */
function persistedPath(conversation: Conversation): string {
  const last = conversation.calls.at(-1)?.result ?? '';
  const match = /saved to: (\S+)/.exec(last);
  if (!match?.[1]) throw new Error(`no persisted output path in: ${last.slice(0, 300)}`);
  return match[1];
}

export const CLAUDE: AgentSpec = {
  name: 'claude',
  version: '2.1.332',
  format: 'anthropic',
  command: 'claude',
  args: (prompt, options) => [
    '-p',
    prompt,
    ...(options?.continue ? ['--continue'] : []),
    // Running as root forbids skipping permissions wholesale; allowing the two tools the plan uses is the same here.
    '--allowedTools',
    'Bash,Read',
    '--output-format',
    'text',
  ],
  routeEnv: (url) => ({ ANTHROPIC_BASE_URL: url }),
  env: {
    ANTHROPIC_API_KEY: 'sk-ant-e2e-fake',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  },
  plan: [
    // Over ~30 kB Claude Code saves the output and sends a preview; the model then reads the file, as it would.
    () => ({ name: 'Bash', input: { command: LARGE_OUTPUTS.listingCommand, description: 'List the libraries' } }),
    (c) => ({ name: 'Read', input: { file_path: persistedPath(c) } }),
    () => ({ name: 'Read', input: { file_path: LARGE_OUTPUTS.logPath, limit: 800 } }),
    () => ({ name: 'Read', input: { file_path: LARGE_OUTPUTS.jsonPath, limit: 800 } }),
  ],
  readImage: (path) => ({ name: 'Read', input: { file_path: path } }),
};

/** Codex's default model runs shell commands through JavaScript in its freeform `exec` tool. */
const codexExec = (cmd: string) => ({
  name: 'exec',
  input: `const r = await tools.exec_command({cmd: ${JSON.stringify(cmd)}});\ntext(r);`,
});

export const CODEX: AgentSpec = {
  name: 'codex',
  version: '0.171.0',
  format: 'responses',
  command: 'codex',
  args: (prompt, options) => [
    'exec',
    ...(options?.continue ? ['resume', '--last'] : []),
    '--dangerously-bypass-approvals-and-sandbox',
    '--skip-git-repo-check',
    // Telemetry and the plugin catalogue's sync: the only traffic that would leave the machine.
    '-c',
    'analytics.enabled=false',
    '-c',
    'features.plugins=false',
    prompt,
  ],
  routeEnv: () => ({}),
  routeArgs: (url) => ['-c', `openai_base_url=${JSON.stringify(`${url}/v1`)}`],
  env: { CODEX_API_KEY: 'sk-e2e-fake' },
  webSocket: true,
  plan: [
    () => codexExec(LARGE_OUTPUTS.listingCommand),
    () => codexExec(`cat ${LARGE_OUTPUTS.logPath}`),
    () => codexExec(`cat ${LARGE_OUTPUTS.jsonPath}`),
  ],
};

export const OPENCODE: AgentSpec = {
  name: 'opencode',
  version: '1.18.33',
  format: 'anthropic',
  command: 'opencode',
  args: (prompt, options) => [
    'run',
    ...(options?.continue ? ['--continue'] : []),
    // Without it, reading outside the working directory is refused in a non-interactive run.
    '--auto',
    '-m',
    'anthropic/claude-sonnet-4-5',
    // One argument with spaces reaches the model in literal quotes; words go as they are.
    ...prompt.split(' '),
  ],
  // The AI SDK appends /messages to the base URL, so by hand it takes the /v1.
  routeEnv: (url) => ({ ANTHROPIC_BASE_URL: `${url}/v1` }),
  env: {
    ANTHROPIC_API_KEY: 'sk-ant-e2e-fake',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_SHARE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
  },
  plan: [
    () => ({ name: 'bash', input: { command: LARGE_OUTPUTS.listingCommand } }),
    () => ({ name: 'read', input: { filePath: LARGE_OUTPUTS.logPath } }),
    () => ({ name: 'read', input: { filePath: LARGE_OUTPUTS.jsonPath } }),
  ],
  readImage: (path) => ({ name: 'read', input: { filePath: path } }),
};

/**
 * pi reads no base-URL variable: by hand, a user loads a small extension that re-points its
 * Anthropic provider (`headroom wrap pi` writes and loads its own).
 */
export function piRouteExtension(dir: string): string {
  const path = join(dir, 'pi-route.js');
  writeFileSync(
    path,
    "export default function (pi) { pi.registerProvider('anthropic', { baseUrl: process.env.E2E_PI_BASE_URL }); }\n",
  );
  return path;
}

export const PI: AgentSpec = {
  name: 'pi',
  version: '0.73.1',
  format: 'anthropic',
  command: 'pi',
  args: (prompt, options) => [
    ...(options?.continue ? ['--continue'] : []),
    '--model',
    'anthropic/claude-sonnet-4-5',
    '-p',
    prompt,
  ],
  routeEnv: (url) => ({ E2E_PI_BASE_URL: url }),
  routeArgs: () => ['-e', piRouteExtension(tmpdir())],
  // Its version check and install telemetry off.
  env: { ANTHROPIC_API_KEY: 'sk-ant-e2e-fake', PI_OFFLINE: '1' },
  plan: [
    () => ({ name: 'bash', input: { command: LARGE_OUTPUTS.listingCommand } }),
    () => ({ name: 'read', input: { path: LARGE_OUTPUTS.logPath } }),
    () => ({ name: 'read', input: { path: LARGE_OUTPUTS.jsonPath } }),
  ],
  readImage: (path) => ({ name: 'read', input: { path } }),
};

/**
 * Gemini CLI with the API key login (`security.auth.selectedType`, what its /auth dialog saves):
 * then it sends its Gemini API requests to GOOGLE_GEMINI_BASE_URL. Usage statistics and updates off.
 */
export const GEMINI: AgentSpec = {
  name: 'gemini',
  version: '0.61.0',
  format: 'gemini',
  command: 'gemini',
  args: (prompt, options) => [
    ...(options?.continue ? ['--resume', 'latest'] : []),
    '--yolo',
    '--skip-trust',
    '-p',
    prompt,
  ],
  routeEnv: (url) => ({ GOOGLE_GEMINI_BASE_URL: url }),
  env: { GEMINI_API_KEY: 'gemini-e2e-fake' },
  prepareHome: (home) => {
    mkdirSync(join(home, '.gemini'), { recursive: true });
    writeFileSync(
      join(home, '.gemini', 'settings.json'),
      JSON.stringify({
        security: { auth: { selectedType: 'gemini-api-key' } },
        privacy: { usageStatisticsEnabled: false },
        general: { disableAutoUpdate: true, disableUpdateNag: true },
      }),
    );
  },
  plan: [
    () => ({ name: 'run_shell_command', input: { command: LARGE_OUTPUTS.listingCommand } }),
    () => ({ name: 'read_file', input: { file_path: LARGE_OUTPUTS.logPath } }),
    () => ({ name: 'read_file', input: { file_path: LARGE_OUTPUTS.jsonPath } }),
  ],
  readImage: (path) => ({ name: 'read_file', input: { file_path: path } }),
};
