import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, emptyDir, startServing } from './run-cli.js';

// The MCP Inspector (2.12) drives `headroom mcp serve` through its own CLI, as a user debugging a
// server would: its client, its transports, its argument parsing — not the SDK client our other tests use.
const inspectorDir = dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector/package.json'));
const INSPECTOR = join(inspectorDir, 'clients/launcher/build/index.js');

const log = Array.from(
  { length: 900 },
  (_, i) =>
    `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO job ${i} done`,
)
  .concat('2024-05-01T11:00:00Z ERROR job 4242 failed: disk quota exceeded on /var/lib/builds')
  .join('\n');

interface ToolResult {
  content: { type: string; text?: string }[];
  structuredContent?: { keys?: string[] };
  isError?: boolean;
}

/** One Inspector CLI call; `target` is the server (a command line or a URL). Returns its JSON. */
function inspect(home: string, target: string[], args: string[]): unknown {
  const run = spawnSync(process.execPath, [INSPECTOR, '--cli', ...args, ...target], {
    env: { PATH: process.env.PATH ?? '', HOME: home, HEADROOM_HOME: home },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`inspector exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}
/** tools/call through the Inspector, each argument as its `--tool-arg key=value`. */
function callTool(home: string, target: string[], name: string, args: Record<string, string>): ToolResult {
  const pairs = Object.entries(args).flatMap(([k, v]) => ['--tool-arg', `${k}=${v}`]);
  return inspect(home, target, ['--method', 'tools/call', '--tool-name', name, ...pairs]) as ToolResult;
}
const textOf = (result: ToolResult) => result.content.map((c) => c.text ?? '').join('\n');

describe('headroom mcp serve under the MCP Inspector CLI', () => {
  const stdio = ['--', process.execPath, BIN, 'mcp', 'serve'];

  it('lists its tools with their schemas over stdio', () => {
    const { tools } = inspect(emptyDir(), stdio, ['--method', 'tools/list']) as {
      tools: { name: string; inputSchema: { required?: string[] } }[];
    };
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('headroom_compress')?.inputSchema.required).toEqual(['content']);
    expect(byName.get('headroom_retrieve')?.inputSchema.required).toContain('key');
  });

  it('compresses in one server process and retrieves the exact original in another', () => {
    const home = emptyDir();
    const compressed = callTool(home, stdio, 'headroom_compress', { content: log, query: 'why did job 4242 fail' });
    expect(compressed.isError).toBeFalsy();
    expect(textOf(compressed)).toContain('ERROR job 4242 failed: disk quota exceeded on /var/lib/builds');
    expect(textOf(compressed).length).toBeLessThan(log.length / 4);
    const key = compressed.structuredContent?.keys?.[0] ?? '';
    expect(key).toMatch(/\S/);

    const retrieved = callTool(home, stdio, 'headroom_retrieve', { key });
    expect(textOf(retrieved)).toContain(log);
  });

  it('answers over streamable HTTP (`mcp serve --http`)', async () => {
    const home = emptyDir();
    const server = startServing(
      ['mcp', 'serve', '--http', '--port', '0'],
      { HEADROOM_HOME: home },
      /Headroom MCP server on (http:\S+)/,
    );
    try {
      const http = ['--transport', 'http', '--server-url', await server.url];
      expect(textOf(callTool(home, http, 'headroom_compress', { content: log }))).toContain('ERROR job 4242 failed');
    } finally {
      await server.stop();
    }
  });
});
