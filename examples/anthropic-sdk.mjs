// The Anthropic SDK, compressing in-process and streaming: same client, same types, one line.
// Run: ANTHROPIC_API_KEY=… node examples/anthropic-sdk.mjs
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { withHeadroom } from '@headroom/proxy/sdk';

const anthropic = withHeadroom(new Anthropic()); // ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the environment
const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');

const stream = anthropic.messages.stream({
  model: process.env.MODEL ?? 'claude-sonnet-5-5',
  max_tokens: 512,
  messages: [
    { role: 'user', content: 'Why did the rollout stop?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'kubectl', input: { args: 'logs deploy/web' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: log }] },
  ],
});
stream.on('text', (text) => process.stdout.write(text));
await stream.finalMessage();
process.stdout.write('\n');
