// @headroom/ccr: originals kept in SQLite (under HEADROOM_HOME) and given back to a retrieve call.
import { readFileSync } from 'node:fs';
import { handleRetrieveCall, retrieveToolDefinition, retrieveToolResult } from '@headroom/ccr';
import { createSqliteStore } from '@headroom/ccr/sqlite';
import { parseMarkers } from '@headroom/core';
import { compress } from '@headroom/crushers';

const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');
const body = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  tools: [],
  messages: [
    { role: 'user', content: 'What happened at 10:30?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'kubectl', input: {} }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: log }] },
  ],
};
const store = createSqliteStore();
const { request } = await compress(body, { store });
body.tools.push(retrieveToolDefinition('anthropic'));
const key = parseMarkers(JSON.stringify(request).replace(/\\"/g, '"'))[0]?.key;
const result = await handleRetrieveCall(store, { key });
const block = retrieveToolResult('anthropic', 'tu1', result);
console.log(
  JSON.stringify({
    key,
    tool: body.tools[0].name,
    exact: JSON.stringify(block).includes(JSON.stringify(log).slice(1, -1)),
  }),
);
