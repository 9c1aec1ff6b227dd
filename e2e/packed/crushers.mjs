// @headroom/crushers: a whole Anthropic request and a grep output, with a store for the originals.
import { readFileSync } from 'node:fs';
import { createMemoryStore } from '@headroom/ccr';
import { compress, compressText } from '@headroom/crushers';

const log = readFileSync(new URL('./data/deploy-log.txt', import.meta.url), 'utf8');
const body = {
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [
    { role: 'user', content: 'Why did the rollout stop?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'kubectl', input: { args: 'logs' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: log }] },
  ],
};
const store = createMemoryStore();
const { request, tokensBefore, tokensAfter } = await compress(body, { store });
// grep -rn over a tree: ten matches in each of forty files, and the one line the question is about.
const grep = Array.from({ length: 400 }, (_, i) => {
  const [file, n] = [Math.floor(i / 10), i % 10];
  return `src/module${file}.ts:${n * 7 + 1}:  const value${n} = helper${file}(input, ${n});`;
});
grep.splice(200, 0, 'src/checker.ts:42:export function multi_turn_checker(turns) {');
const { text } = await compressText(grep.join('\n'), { query: 'where is multi_turn_checker defined' });
console.log(
  JSON.stringify({
    tokensBefore,
    tokensAfter,
    sent: JSON.stringify(request),
    grepKept: text.includes('src/checker.ts:42:export function multi_turn_checker'),
    grepSmaller: text.length < grep.join('\n').length / 2,
  }),
);
