// @headroom/core as its README shows it: a whole request and one tool output, through ESM.
import { compress, compressText, createJsonMinify } from '@headroom/core';

const records = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `user-${i}`, active: i % 2 === 0 }));
const pretty = JSON.stringify(records, null, 2);
const body = {
  model: 'gpt-4o',
  messages: [
    { role: 'user', content: 'Which users are active?' },
    { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'users', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: pretty },
  ],
};
const transforms = [createJsonMinify()];
const { request, tokensBefore, tokensAfter } = await compress(body, { transforms });
const { text } = await compressText(pretty, { query: 'user-7', transforms });
console.log(
  JSON.stringify({
    tokensBefore,
    tokensAfter,
    requestKept: JSON.stringify(JSON.parse(request.messages[2].content)) === JSON.stringify(records),
    textKept: JSON.stringify(JSON.parse(text)) === JSON.stringify(records),
  }),
);
