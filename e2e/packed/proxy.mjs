// @headroom/proxy: the proxy on a socket in front of UPSTREAM_URL; one request with a big tool output.
import { readFileSync } from 'node:fs';
import { createSqliteStore } from '@headroom/ccr/sqlite';
import { serveProxy } from '@headroom/proxy/node';

const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');
const { url, close } = await serveProxy({
  port: 0,
  upstreamOpenAI: process.env.UPSTREAM_URL,
  store: createSqliteStore(), // markers carry keys; the proxy answers the model's retrieve calls
});
const response = await fetch(`${url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
  body: JSON.stringify({
    model: 'gpt-4o',
    messages: [
      { role: 'user', content: 'Why did the rollout stop?' },
      {
        role: 'assistant',
        tool_calls: [{ id: 'k1', type: 'function', function: { name: 'kubectl', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'k1', content: log },
    ],
  }),
});
const answer = await response.json();
await close();
console.log(JSON.stringify({ status: response.status, text: answer.choices?.[0]?.message?.content }));
