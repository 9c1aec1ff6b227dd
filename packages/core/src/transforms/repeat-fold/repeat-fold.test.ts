import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTransformConformance } from '../../testing/conformance.js';
import { getTokenizer } from '../../tokenizer/tokenizer.js';
import { createRepeatFold } from './repeat-fold.js';

const KEY = '0123456789abcdef01234567';
const fold = async (text: string, retrievalKey?: string) =>
  (
    await createRepeatFold().compress(
      { text, contentType: 'text', query: '' },
      {
        tokenizer: await getTokenizer(),
        signal: new AbortController().signal,
        ...(retrievalKey ? { retrievalKey } : {}),
      },
    )
  ).text;

const retryLog = [
  'npm install',
  ...Array.from(
    { length: 40 },
    () => 'npm WARN retry will retry, error on last attempt: Error: getaddrinfo EAI_AGAIN registry.npmjs.org',
  ),
  'npm ERR! code EAI_AGAIN',
  'npm ERR! network request to https://registry.npmjs.org/left-pad failed',
].join('\n');

const trace = [
  'Traceback (most recent call last):',
  '  File "app.py", line 10, in handler',
  '    return handler(req)',
  '  File "app.py", line 10, in handler',
  '    return handler(req)',
];
const recursion = [
  ...trace.slice(0, 1),
  ...Array.from({ length: 30 }, () => trace.slice(1, 3)).flat(),
  'RecursionError: maximum recursion depth exceeded',
].join('\n');

runTransformConformance({
  create: createRepeatFold,
  goldenDir: new URL('./__golden__', import.meta.url).pathname,
  cases: [
    { name: 'npm retry storm', text: retryLog, mustKeep: ['npm ERR! code EAI_AGAIN', 'npm install'] },
    { name: 'recursive stack trace', text: recursion, mustKeep: ['RecursionError: maximum recursion depth exceeded'] },
    {
      name: 'swe-agent observation',
      text: readFileSync(new URL('../../../test/fixtures/repeated-pytest-output.txt', import.meta.url), 'utf8'),
      mustKeep: ['FAILED tests/test_fields.py::test_datetime_field_timezone - AssertionError'],
    },
  ],
});

describe('repeat-fold', () => {
  it('folds a run of identical lines with the exact count and the key', async () => {
    const out = await fold(retryLog, KEY);
    expect(out.split('\n')).toEqual([
      'npm install',
      'npm WARN retry will retry, error on last attempt: Error: getaddrinfo EAI_AGAIN registry.npmjs.org',
      `[… 39 of 40 lines omitted (repeats of the line above) · headroom:${KEY} …]`,
      'npm ERR! code EAI_AGAIN',
      'npm ERR! network request to https://registry.npmjs.org/left-pad failed',
    ]);
  });

  it('folds a repeated multi-line block', async () => {
    const out = await fold(recursion);
    expect(out.split('\n')).toEqual([
      'Traceback (most recent call last):',
      '  File "app.py", line 10, in handler',
      '    return handler(req)',
      '[… 58 of 60 lines omitted (repeats of the 2 lines above) …]',
      'RecursionError: maximum recursion depth exceeded',
    ]);
  });

  it('leaves short repeats that a marker would not pay for, and lines that merely look alike', async () => {
    const text = 'ok\nok\nok\nline 1\nline 2\nline 3';
    expect(await fold(text)).toBe(text);
  });

  it('never folds existing markers', async () => {
    const marker = '[… 3 of 9 rows omitted · headroom:0123456789abcdef01234567 …]';
    const text = Array.from({ length: 10 }, () => marker).join('\n');
    expect(await fold(text)).toBe(text);
  });
});
