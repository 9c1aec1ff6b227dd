// The OpenAI SDK, compressing in-process: same client, same types, one line.
// Run: OPENAI_API_KEY=… node examples/openai-sdk.mjs
import { readFileSync } from 'node:fs';
import { withHeadroom } from '@headroom/proxy/sdk';
import OpenAI from 'openai';

const openai = withHeadroom(new OpenAI()); // OPENAI_API_KEY and OPENAI_BASE_URL from the environment
const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');

const completion = await openai.chat.completions.create({
  model: process.env.MODEL ?? 'gpt-4o',
  messages: [
    { role: 'user', content: 'Why did the rollout stop?' },
    { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'kubectl', arguments: '{"args":"logs deploy/web"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: log },
  ],
});
console.log(completion.choices[0].message.content);
