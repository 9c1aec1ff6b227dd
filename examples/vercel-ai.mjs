// The Vercel AI SDK: wrap the model with Headroom's middleware.
// Run: OPENAI_API_KEY=… node examples/vercel-ai.mjs
import { readFileSync } from 'node:fs';
import { openai } from '@ai-sdk/openai';
import { headroomMiddleware } from '@headroom/vercel';
import { generateText, wrapLanguageModel } from 'ai';

const model = wrapLanguageModel({ model: openai.chat(process.env.MODEL ?? 'gpt-4o'), middleware: headroomMiddleware() });
const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');

const { text, providerMetadata } = await generateText({
  model,
  messages: [
    { role: 'user', content: 'Why did the rollout stop?' },
    { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'kubectl', input: { args: 'logs deploy/web' } }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'kubectl', output: { type: 'text', value: log } }] },
  ],
});
const { tokensBefore, tokensAfter } = providerMetadata.headroom;
console.log(text);
console.error(`headroom: ${tokensBefore} → ${tokensAfter} tokens`);
