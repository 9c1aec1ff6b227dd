import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { BIN, emptyDir, runCli } from './run-cli.js';

interface Case {
  readonly client: string;
  /** The config file under a home directory. */
  readonly file: (home: string) => string;
  /** What the user already had there. */
  readonly existing: string;
  /** The headroom entry as the client reads it. */
  readonly entry: (text: string) => { command: string; args: string[] } | undefined;
  /** Something of the user's that must survive. */
  readonly survivor: (text: string) => unknown;
}

const CASES: Case[] = [
  {
    client: 'claude',
    file: (home) => join(home, '.claude.json'),
    existing: `${JSON.stringify({ numStartups: 12, mcpServers: { github: { type: 'stdio', command: 'gh-mcp', args: [] } } }, null, 2)}\n`,
    entry: (text) => JSON.parse(text).mcpServers?.headroom,
    survivor: (text) => [JSON.parse(text).numStartups, JSON.parse(text).mcpServers.github.command],
  },
  {
    client: 'cursor',
    file: (home) => join(home, '.cursor', 'mcp.json'),
    existing: `${JSON.stringify({ mcpServers: { linear: { url: 'https://mcp.linear.app/sse' } } }, null, 2)}\n`,
    entry: (text) => JSON.parse(text).mcpServers?.headroom,
    survivor: (text) => JSON.parse(text).mcpServers.linear.url,
  },
  {
    client: 'codex',
    file: (home) => join(home, '.codex', 'config.toml'),
    existing: '# my codex settings\nmodel = "gpt-5"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\nargs = ["--fast"]\n',
    entry: (text) => (parseToml(text) as { mcp_servers?: Record<string, never> }).mcp_servers?.headroom,
    survivor: (text) => [text.startsWith('# my codex settings\n'), (parseToml(text) as { model: string }).model],
  },
];

describe('headroom mcp install / uninstall', () => {
  for (const c of CASES) {
    it(`${c.client}: installs idempotently with a backup, keeps the user's settings, and uninstalls`, () => {
      const home = emptyDir();
      const file = c.file(home);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, c.existing, { mode: 0o600 });
      const env = { HOME: home, HEADROOM_HOME: join(home, '.headroom') };
      const survivor = c.survivor(c.existing);

      const dry = runCli(['mcp', 'install', c.client, '--dry-run'], { env });
      expect(dry.code).toBe(0);
      expect(dry.stdout.toString()).toContain('would be added');
      // Only the entry is shown, not the user's whole file.
      expect(JSON.parse(dry.stdout.toString().slice(dry.stdout.toString().indexOf('\n{'))).headroom.args).toEqual([
        BIN,
        'mcp',
        'serve',
      ]);
      expect(dry.stdout.toString()).not.toContain(c.existing.trim());
      expect(readFileSync(file, 'utf8')).toBe(c.existing);

      const installed = runCli(['mcp', 'install', c.client], { env });
      expect(installed.code).toBe(0);
      expect(installed.stdout.toString()).toMatch(/the headroom server was added \(backup: .*headroom-backup-/);
      const text = readFileSync(file, 'utf8');
      expect(c.entry(text)).toMatchObject({ command: process.execPath, args: [BIN, 'mcp', 'serve'] });
      expect(c.survivor(text)).toEqual(survivor);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const backups = readdirSync(dirname(file)).filter((f) => f.includes('headroom-backup'));
      expect(backups).toHaveLength(1);
      expect(readFileSync(join(dirname(file), backups[0] as string), 'utf8')).toBe(c.existing);

      const again = runCli(['mcp', 'install', c.client], { env });
      expect(again.stdout.toString()).toContain('nothing changed');
      expect(readFileSync(file, 'utf8')).toBe(text);

      const removed = runCli(['mcp', 'uninstall', c.client], { env });
      expect(removed.code).toBe(0);
      expect(removed.stdout.toString()).toContain('was removed');
      const after = readFileSync(file, 'utf8');
      expect(c.entry(after)).toBeUndefined();
      expect(c.survivor(after)).toEqual(survivor);
      expect(runCli(['mcp', 'uninstall', c.client], { env }).stdout.toString()).toContain('nothing changed');
    });
  }

  it('creates the file when the client has none, and refuses to touch one it cannot read', () => {
    const home = emptyDir();
    expect(runCli(['mcp', 'install', 'cursor'], { env: { HOME: home } }).code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, '.cursor', 'mcp.json'), 'utf8')).mcpServers.headroom.command).toBe(
      process.execPath,
    );
    writeFileSync(join(home, '.claude.json'), '{"numStartups": 3,');
    const broken = runCli(['mcp', 'install', 'claude'], { env: { HOME: home } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^headroom: .*\.claude\.json is not valid JSON .*nothing was changed\n$/);
    expect(readFileSync(join(home, '.claude.json'), 'utf8')).toBe('{"numStartups": 3,');
  });

  it('writes the generic JSON form into --config FILE and prints it with print', () => {
    const home = emptyDir();
    const config = join(home, 'servers.json');
    expect(runCli(['mcp', 'install', 'json', '--config', config], { env: { HOME: home } }).code).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8')).mcpServers.headroom.args).toEqual([BIN, 'mcp', 'serve']);
    const printed = runCli(['mcp', 'print'], { env: { HOME: home } });
    expect(JSON.parse(printed.stdout.toString()).mcpServers.headroom.command).toBe(process.execPath);
    writeFileSync(config, '{"mcpServers": "x"}');
    const wrongType = runCli(['mcp', 'install', 'json', '--config', config], { env: { HOME: home } });
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toMatch(
      /"mcpServers" in .*servers\.json is not an object; fix it first, nothing was changed\n$/,
    );
    expect(readFileSync(config, 'utf8')).toBe('{"mcpServers": "x"}');
    const noFile = runCli(['mcp', 'install', 'json'], { env: { HOME: home } });
    expect(noFile.code).toBe(2);
    const stdioPort = runCli(['mcp', 'serve', '--port', '9999'], { env: { HOME: home } });
    expect(stdioPort.code).toBe(2);
    expect(stdioPort.stderr).toMatch(/--port and --host apply to --http/);
    expect(runCli(['mcp', 'install', 'vscode'], { env: { HOME: home } }).stderr).toMatch(
      /one client: claude, cursor, codex, json/,
    );
  });
});
