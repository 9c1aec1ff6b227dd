// @headroom/core through its CommonJS build, token counting included (the vocabulary loads lazily).
const { compressText, createJsonMinify, getTokenizer } = require('@headroom/core');

(async () => {
  const records = Array.from({ length: 50 }, (_, i) => ({ id: i, tags: ['a', 'b'] }));
  const pretty = JSON.stringify(records, null, 2);
  const { text } = await compressText(pretty, { transforms: [createJsonMinify()] });
  const tokens = (await getTokenizer('gpt-4o')).count('hello world');
  console.log(JSON.stringify({ minified: text === JSON.stringify(records), tokens }));
})();
