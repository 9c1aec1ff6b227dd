import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@headroom/ccr/sqlite';
import { contentKey } from '@headroom/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { openHeadroomMcp, serveMcpHttp } from '../src/index.js';

const path = join(mkdtempSync(join(tmpdir(), 'headroom-mcp-')), 'ccr.db');
const headroom = openHeadroomMcp({ path, project: '/repo/app' });
afterAll(() => headroom.close());

/** A client named like an agent, connected to a fresh server on the shared resources. */
async function connect(agent: string): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await headroom.createServer().connect(serverSide);
  const client = new Client({ name: agent, version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult & {
    structuredContent?: Record<string, unknown>;
  };
const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

const log = Array.from(
  { length: 800 },
  (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO request ${i} served in ${i % 50}ms`,
)
  .concat('2024-05-01T10:14:00Z ERROR payment gateway timed out after 30000ms (order 7731)')
  .join('\n');

describe('MCP server', () => {
  it('lists its tools with input schemas', async () => {
    const client = await connect('claude-code');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'headroom_compress',
      'headroom_retrieve',
      'headroom_stats',
      'memory_forget',
      'memory_list',
      'memory_save',
      'memory_search',
    ]);
    const compress = tools.find((t) => t.name === 'headroom_compress');
    expect(compress?.inputSchema).toMatchObject({ type: 'object', required: ['content'] });
    await client.close();
  });

  it('compresses, and retrieves the original by key and by query', async () => {
    const client = await connect('claude-code');
    const compressed = await call(client, 'headroom_compress', { content: log, query: 'why did the payment fail' });
    expect(compressed.isError).toBeFalsy();
    const [body] = compressed.content as { text: string }[];
    expect(body?.text).toContain('ERROR payment gateway timed out after 30000ms (order 7731)');
    const { tokensBefore, tokensAfter, keys } = compressed.structuredContent as {
      tokensBefore: number;
      tokensAfter: number;
      keys: string[];
    };
    expect(tokensAfter).toBeLessThan(tokensBefore / 3);
    expect(keys).toHaveLength(1);
    expect(body?.text).toContain(`headroom:${keys[0]}`);

    const whole = await call(client, 'headroom_retrieve', { key: keys[0] });
    expect(textOf(whole)).toContain(log);
    const some = await call(client, 'headroom_retrieve', { key: keys[0], query: 'request 417' });
    expect(textOf(some)).toContain('request 417 served');
    expect(textOf(some).length).toBeLessThan(log.length / 10);
    await client.close();
  });

  it('answers bad calls with error results and stays up', async () => {
    const client = await connect('codex');
    const unknown = await call(client, 'headroom_teleport', {});
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/not found/);
    const missing = await call(client, 'headroom_compress', {});
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/content/);
    const wrong = await call(client, 'memory_forget', { id: 'seven' });
    expect(wrong.isError).toBe(true);
    const oversized = await call(client, 'headroom_compress', { content: 'x'.repeat(8_000_001) });
    expect(oversized.isError).toBe(true);
    expect(textOf(oversized)).toMatch(/at most 8000000 characters/);
    const noKey = await call(client, 'headroom_retrieve', { key: 'f'.repeat(24) });
    expect(noKey.isError).toBe(true);
    const noMemory = await call(client, 'memory_forget', { id: 999_999 });
    expect(noMemory.isError).toBe(true);
    // Still serving.
    expect((await call(client, 'headroom_stats')).isError).toBeFalsy();
    await client.close();
  });

  it('retrieves a stored image whole and a region of it at full resolution, as image content', async () => {
    // The proxy keeps an image's original in the same store when it sends the image smaller.
    const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#ffffff' } })
      .composite([
        { input: { create: { width: 100, height: 50, channels: 3, background: '#ff0000' } }, left: 600, top: 300 },
      ])
      .png()
      .toBuffer();
    const original = `data:image/png;base64,${png.toString('base64')}`;
    const key = contentKey(original);
    const proxyStore = createSqliteStore({ path });
    await proxyStore.put({ key, original, contentType: 'image', toolName: 'image', tokens: 427 });
    await proxyStore.close();

    const client = await connect('claude-code');
    const whole = await call(client, 'headroom_retrieve', { key });
    expect(whole.isError).toBeFalsy();
    expect(whole.content[1]).toMatchObject({ type: 'image', mimeType: 'image/png', data: png.toString('base64') });
    const region = await call(client, 'headroom_retrieve', { key, region: { x: 600, y: 300, w: 100, h: 50 } });
    expect(textOf(region)).toContain(
      'region x=600 y=300 w=100 h=50 of the original image, 800×400 PNG at full resolution',
    );
    const cut = region.content[1] as { data: string };
    const { data, info } = await sharp(Buffer.from(cut.data, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([100, 50]);
    expect([...data.subarray(0, 3)]).toEqual([255, 0, 0]);
    const outside = await call(client, 'headroom_retrieve', { key, region: { x: 900, y: 0, w: 10, h: 10 } });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toContain('outside the image of 800×400 PNG');
  });

  it('shares memories between agents, with provenance', async () => {
    const a = await connect('agent-a');
    const b = await connect('agent-b');
    const saved = await call(a, 'memory_save', {
      text: 'Integration tests need the local Redis on port 6380.',
      tags: ['testing'],
    });
    expect(textOf(saved)).toMatch(/^Saved memory #\d+/);
    const found = await call(b, 'memory_search', { query: 'which redis port do the tests use' });
    expect(textOf(found)).toContain(
      'Integration tests need the local Redis on port 6380. [testing] (project; from agent-a)',
    );
    const again = await call(b, 'memory_save', { text: 'Integration tests need the local Redis on port 6380' });
    expect(textOf(again)).toMatch(/^Merged into memory #\d+/);
    const listed = await call(a, 'memory_list');
    expect(textOf(listed)).toContain('from agent-a, agent-b');
    const id = Number(/#(\d+)/.exec(textOf(saved))?.[1]);
    expect(textOf(await call(b, 'memory_forget', { id }))).toBe(`Forgot memory #${id}.`);
    expect(textOf(await call(a, 'memory_search', { query: 'redis port' }))).toBe('No memories match.');
    await a.close();
    await b.close();
  });

  it('reports this session and the lifetime figures', async () => {
    const client = await connect('claude-code');
    await call(client, 'headroom_compress', { content: log });
    const stats = (await call(client, 'headroom_stats')).structuredContent as {
      session: { compressions: number; savedTokens: number };
      lifetime: { compressions: number };
      store: { entries: number };
    };
    expect(stats.session.compressions).toBeGreaterThanOrEqual(2);
    expect(stats.session.savedTokens).toBeGreaterThan(0);
    expect(stats.lifetime.compressions).toBeGreaterThanOrEqual(stats.session.compressions);
    expect(stats.store.entries).toBeGreaterThanOrEqual(1);
    await client.close();
  });

  it('serves streamable HTTP, one server per client session, refusing other host names', async () => {
    const running = await serveMcpHttp(() => headroom.createServer(), { port: 0 });
    const client = new Client({ name: 'cursor', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    const result = await call(client, 'memory_save', { text: 'The HTTP transport works.', scope: 'global' });
    expect(result.isError).toBeFalsy();
    // A page on another name that resolves to this machine (DNS rebinding) sends its own Host header.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        running.url,
        {
          method: 'POST',
          headers: {
            host: 'evil.example',
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }));
    });
    expect(status).toBe(403);
    await client.close();
    await running.close();
  });
});
