// A client of mcp-server.mjs (the MCP SDK's own): compress one output, then retrieve it by key.
import { readFileSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');
const client = new Client({ name: 'packed-check', version: '1.0.0' });
await client.connect(
  new StdioClientTransport({
    command: process.execPath,
    args: [new URL('./mcp-server.mjs', import.meta.url).pathname],
    env: { PATH: process.env.PATH ?? '', HEADROOM_HOME: process.env.HEADROOM_HOME ?? '' },
  }),
);
const text = (r) => r.content.map((c) => c.text ?? '').join('\n');
const compressed = await client.callTool({
  name: 'headroom_compress',
  arguments: { content: log, query: 'rollout paused' },
});
const key = compressed.structuredContent?.keys?.[0];
const retrieved = await client.callTool({ name: 'headroom_retrieve', arguments: { key } });
await client.close();
console.log(JSON.stringify({ compressed: text(compressed).length, exact: text(retrieved).includes(log) }));
