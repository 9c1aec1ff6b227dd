import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTransformConformance } from '../../testing/conformance.js';
import { getTokenizer } from '../../tokenizer/tokenizer.js';
import { createJsonMinify } from './json-minify.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const githubIssues = (JSON.parse(fixture('openai-chat.json')).messages[4] as { content: string }).content;

runTransformConformance({
  create: createJsonMinify,
  goldenDir: new URL('./__golden__', import.meta.url).pathname,
  cases: [
    {
      name: 'github issues pretty-printed',
      text: githubIssues,
      mustKeep: ['"html_url":"https://github.com/octokit-fixture-org/paginate-issues/issues/13"'],
    },
    {
      name: 'exact numbers and escapes',
      text: '{\n  "big": 12345678901234567890,\n  "exp": 1e3,\n  "s": "a\\u0000b \\"q\\""\n}',
      mustKeep: ['12345678901234567890', '1e3', '"a\\u0000b \\"q\\""'],
    },
    { name: 'ndjson', text: '{"level": "info", "msg": "start"}\n{"level": "error", "msg": "disk full"}\n' },
    { name: 'not json', text: 'ERROR something failed\n  at foo (bar.js:1:2)\n' },
  ],
});

describe('json-minify', () => {
  it('saves tokens on pretty-printed API output', async () => {
    const tokenizer = await getTokenizer();
    const out = createJsonMinify().compress(
      { text: githubIssues, contentType: 'json', query: '' },
      { tokenizer, signal: new AbortController().signal },
    );
    const before = tokenizer.count(githubIssues);
    const after = tokenizer.count((out as { text: string }).text);
    expect(after / before).toBeLessThan(0.85);
    expect(JSON.parse((out as { text: string }).text)).toEqual(JSON.parse(githubIssues));
  });
});
