import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { inputError, usageError } from './cli-error.js';

/** How a client launches the Headroom MCP server. */
export interface ServerLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export const SERVER_NAME = 'headroom';

/** A client's MCP configuration file and how to put the server in it or take it out. */
interface ClientConfig {
  readonly file: string;
  /** The file's new text with the server in it (`launch`) or out of it (`undefined`). */
  edit(current: string | undefined, launch: ServerLaunch | undefined, file: string): string | undefined;
}

export const MCP_CLIENTS = ['claude', 'cursor', 'codex', 'json'] as const;
export type McpClient = (typeof MCP_CLIENTS)[number];

/**
 * Where each client keeps its MCP servers: Claude Code in `~/.claude.json` (user scope), Cursor
 * in `~/.cursor/mcp.json`, Codex in `$CODEX_HOME/config.toml` (`~/.codex`); `json` is the
 * generic `{"mcpServers": …}` form, in the file given with `--config`.
 */
export function clientConfig(client: McpClient, env: NodeJS.ProcessEnv, file?: string): ClientConfig {
  const home = env.HOME || homedir();
  switch (client) {
    case 'claude':
      return { file: file ?? join(home, '.claude.json'), edit: jsonEdit((l) => ({ type: 'stdio', ...plain(l) })) };
    case 'cursor':
      return { file: file ?? join(home, '.cursor', 'mcp.json'), edit: jsonEdit(plain) };
    case 'codex':
      return { file: file ?? join(env.CODEX_HOME || join(home, '.codex'), 'config.toml'), edit: tomlEdit };
    case 'json':
      if (!file) throw usageError("the json form needs the file to edit: --config FILE (or use 'headroom mcp print')");
      return { file, edit: jsonEdit(plain) };
  }
}

/** The launch as the common `{command, args, env}` object. */
export function plain(launch: ServerLaunch): Record<string, unknown> {
  return { command: launch.command, args: [...launch.args], ...(launch.env ? { env: { ...launch.env } } : {}) };
}

function jsonEdit(entry: (launch: ServerLaunch) => Record<string, unknown>) {
  return (current: string | undefined, launch: ServerLaunch | undefined, file: string): string | undefined => {
    let config: Record<string, unknown> = {};
    if (current?.trim()) {
      try {
        config = JSON.parse(current) as Record<string, unknown>;
      } catch (error) {
        throw inputError(`${file} is not valid JSON (${(error as Error).message}); fix it first, nothing was changed`);
      }
      if (typeof config !== 'object' || config === null || Array.isArray(config))
        throw inputError(`${file} does not hold a JSON object; nothing was changed`);
    }
    const existing = config.mcpServers;
    if (existing !== undefined && (typeof existing !== 'object' || existing === null || Array.isArray(existing)))
      throw inputError(`"mcpServers" in ${file} is not an object; fix it first, nothing was changed`);
    const servers = { ...((existing as Record<string, unknown> | undefined) ?? {}) };
    if (launch) servers[SERVER_NAME] = entry(launch);
    else if (!(SERVER_NAME in servers)) return current;
    else delete servers[SERVER_NAME];
    return `${JSON.stringify({ ...config, mcpServers: servers }, null, 2)}\n`;
  };
}

const TABLE_HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

/**
 * Codex's TOML, edited as text so the rest of the file (comments, order, formatting) stays
 * byte for byte: the `[mcp_servers.headroom]` table and its sub-tables are replaced or removed.
 */
function tomlEdit(current: string | undefined, launch: ServerLaunch | undefined): string | undefined {
  const lines = (current ?? '').split('\n');
  const ours = (name: string) =>
    name.replace(/["']/g, '') === `mcp_servers.${SERVER_NAME}` ||
    name.replace(/["']/g, '').startsWith(`mcp_servers.${SERVER_NAME}.`);
  const kept: string[] = [];
  let inside = false;
  let found = false;
  for (const line of lines) {
    const header = TABLE_HEADER.exec(line);
    if (header) inside = ours(header[1] as string);
    if (inside) found = true;
    else kept.push(line);
  }
  if (!launch && !found) return current;
  let text = kept.join('\n').replace(/\n+$/, '');
  if (launch) {
    const block = [
      `[mcp_servers.${SERVER_NAME}]`,
      `command = ${JSON.stringify(launch.command)}`,
      `args = [${launch.args.map((a) => JSON.stringify(a)).join(', ')}]`,
      ...(launch.env
        ? [
            `env = { ${Object.entries(launch.env)
              .map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`)
              .join(', ')} }`,
          ]
        : []),
    ].join('\n');
    text = text ? `${text}\n\n${block}` : block;
  }
  return text ? `${text}\n` : '';
}

export interface ConfigChange {
  readonly file: string;
  readonly action: 'added' | 'updated' | 'removed' | 'unchanged';
  readonly backup?: string;
  readonly before?: string;
  readonly after?: string;
}

/**
 * Puts the server in a client's configuration (or takes it out), idempotently: an unchanged
 * file is not touched; a changed one is first copied to a timestamped backup, then replaced
 * atomically. With `dryRun` nothing is written.
 */
export function applyConfigChange(
  config: ClientConfig,
  launch: ServerLaunch | undefined,
  options: { readonly dryRun?: boolean; readonly now?: Date } = {},
): ConfigChange {
  const exists = existsSync(config.file);
  const before = exists ? readFileSync(config.file, 'utf8') : undefined;
  const after = config.edit(before, launch, config.file);
  const had = before !== undefined && config.edit(before, undefined, config.file) !== before;
  if (after === before || after === undefined)
    return { file: config.file, action: 'unchanged', ...(before !== undefined ? { before } : {}) };
  const action = launch ? (had ? 'updated' : 'added') : 'removed';
  if (options.dryRun) return { file: config.file, action, after, ...(before !== undefined ? { before } : {}) };
  mkdirSync(dirname(config.file), { recursive: true });
  // Client files can hold credentials (~/.claude.json does): the backup and the new file keep
  // the original's permissions; a new file is owner-only.
  const mode = exists ? statSync(config.file).mode & 0o777 : 0o600;
  let backup: string | undefined;
  if (before !== undefined) {
    const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
    backup = `${config.file}.headroom-backup-${stamp}`;
    writeFileSync(backup, before, { mode });
    chmodSync(backup, mode);
  }
  const temporary = `${config.file}.${process.pid}.tmp`;
  writeFileSync(temporary, after, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, config.file);
  return {
    file: config.file,
    action,
    after,
    ...(before !== undefined ? { before } : {}),
    ...(backup ? { backup } : {}),
  };
}
