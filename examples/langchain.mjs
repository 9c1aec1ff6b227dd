// LangChain.js: wrap any chat model.
// Run: OPENAI_API_KEY=… node examples/langchain.mjs
import { readFileSync } from 'node:fs';
import { HeadroomChatModel } from '@headroom/langchain';
import { AIMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';

const model = new HeadroomChatModel({ model: new ChatOpenAI({ model: process.env.MODEL ?? 'gpt-4o' }) });
const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');

const reply = await model.invoke([
  new HumanMessage('Why did the rollout stop?'),
  new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'kubectl', args: { args: 'logs deploy/web' } }] }),
  new ToolMessage({ content: log, tool_call_id: 'call_1', name: 'kubectl' }),
]);
console.log(reply.content);
