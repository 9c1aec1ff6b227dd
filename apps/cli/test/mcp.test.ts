import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { emptyDir, recordingUpstream, runCli, startServing, stdioClient } from './run-cli.js';

const log = Array.from(
  { length: 900 },
  (_, i) =>
    `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO job ${i} done`,
)
  .concat('2024-05-01T11:00:00Z ERROR job 4242 failed: disk quota exceeded on /var/lib/builds')
  .join('\n');

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult & {
    structuredContent?: Record<string, unknown>;
  };
const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('headroom mcp serve over stdio', () => {
  it('lists tools, compresses, and the key is retrievable from another process', async () => {
    const home = emptyDir();
    const client = await stdioClient(home, 'claude-code');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('headroom_compress');
    const compressed = await call(client, 'headroom_compress', { content: log, query: 'why did job 4242 fail' });
    const keys = (compressed.structuredContent as { keys: string[] }).keys;
    expect(keys).toHaveLength(1);
    expect(textOf(compressed)).toContain('ERROR job 4242 failed: disk quota exceeded on /var/lib/builds');
    await client.close();

    // A second process (the CLI) gives back the exact original from the shared store…
    const retrieved = runCli(['retrieve', keys[0] as string], { env: { HEADROOM_HOME: home } });
    expect(retrieved.code).toBe(0);
    expect(retrieved.stdout.toString('utf8')).toBe(log);

    // …and a key the CLI made is retrievable through a new MCP server.
    const cli = runCli(['compress', '--json', '--query', 'job 17'], {
      input: log.replace('disk quota', 'inode quota'),
      env: { HEADROOM_HOME: home },
    });
    const cliKey = (JSON.parse(cli.stdout.toString('utf8')) as { ccrKeys: string[] }).ccrKeys[0] as string;
    const again = await stdioClient(home, 'codex');
    expect(textOf(await call(again, 'headroom_retrieve', { key: cliKey }))).toContain('inode quota');
    await again.close();
  });

  it('retrieves through MCP a key the proxy made', async () => {
    const home = emptyDir();
    const upstream = await recordingUpstream('{"id":"x","choices":[{"message":{"role":"assistant","content":"ok"}}]}');
    const bodies = upstream.bodies;
    const proxy = startServing(
      ['proxy', '--port', '0', '--upstream-openai', upstream.url],
      { HEADROOM_HOME: home },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const url = await proxy.url;
    await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'What failed?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'logs', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c', content: log },
        ],
      }),
    });
    expect((await proxy.stop()).code).toBe(0);
    await upstream.close();
    const key = /headroom:([0-9a-f]{24})/.exec(bodies[0] ?? '')?.[1] as string;
    expect(key).toMatch(/^[0-9a-f]{24}$/);

    const client = await stdioClient(home, 'cursor');
    expect(textOf(await call(client, 'headroom_retrieve', { key }))).toContain(log);
    await client.close();
  });

  it('shares a memory saved by agent A with agent B, and loses nothing to two writers at once', async () => {
    const home = emptyDir();
    const project = emptyDir();
    const a = await stdioClient(home, 'agent-a', project);
    const b = await stdioClient(home, 'agent-b', project);
    await call(a, 'memory_save', { text: 'The staging deploy needs VPN access first.', tags: ['deploy'] });
    const found = await call(b, 'memory_search', { query: 'what does the staging deploy need' });
    expect(textOf(found)).toContain('The staging deploy needs VPN access first. [deploy] (project; from agent-a)');

    await Promise.all(
      [a, b].map((client, c) =>
        Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            call(client, 'memory_save', {
              text: `writer ${c} fact ${i}: ${crypto.randomUUID()} ${crypto.randomUUID()}`,
              scope: 'global',
            }),
          ),
        ),
      ),
    );
    const listed = await call(a, 'memory_list', { scope: 'global', limit: 1000 });
    expect((listed.structuredContent as { memories: unknown[] }).memories).toHaveLength(80);
    await a.close();
    await b.close();
    // The CLI sees the same memories.
    const cli = runCli(['memory', 'search', 'staging deploy', '--project', project], { env: { HEADROOM_HOME: home } });
    expect(cli.stdout.toString()).toContain('(project; from agent-a)');
  });
});

describe('headroom mcp serve --http', () => {
  it('serves the same tools over streamable HTTP and stops on SIGTERM', async () => {
    const home = emptyDir();
    const served = startServing(
      ['mcp', 'serve', '--http', '--port', '0'],
      { HEADROOM_HOME: home },
      /Headroom MCP server on (http:\S+)/,
    );
    const url = await served.url;
    const client = new Client({ name: 'http-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    expect((await client.listTools()).tools).toHaveLength(7);
    const compressed = await call(client, 'headroom_compress', { content: log, query: 'job 4242' });
    expect(textOf(compressed)).toContain('ERROR job 4242 failed');
    await call(client, 'memory_save', { text: 'HTTP clients share the same memory.', scope: 'global' });
    await client.close();
    const { code, stderr } = await served.stop();
    expect(code).toBe(0);
    expect(stderr).toContain('MCP server stopped');
    const listed = runCli(['memory', 'list', '--all', '--json'], { env: { HEADROOM_HOME: home } });
    expect(JSON.parse(listed.stdout.toString()).map((m: { text: string }) => m.text)).toEqual([
      'HTTP clients share the same memory.',
    ]);
  });
});
