import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli } from './run-cli.js';

/** A tool-qa directory of one real-looking case: a build log whose answer sits among repeats. */
function toolQaDir(): string {
  const dir = join(emptyDir(), 'cases');
  mkdirSync(dir);
  const content = [
    ...Array.from(
      { length: 300 },
      (_, i) =>
        `2024-05-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z INFO build step ${i} ok`,
    ),
    '2024-05-01T10:05:00Z ERROR linker failed: undefined reference to `ssl_ctx_new`',
    ...Array.from({ length: 300 }, (_, i) => `2024-05-01T10:06:${String(i % 60).padStart(2, '0')}Z INFO retry ${i} ok`),
  ].join('\n');
  writeFileSync(
    join(dir, 'c01.json'),
    JSON.stringify({
      id: 'c01',
      kind: 'build_log',
      content,
      question: 'Which symbol did the linker fail on?',
      answer: 'ssl_ctx_new',
    }),
  );
  return dir;
}

describe('headroom eval', () => {
  it('runs tool-qa on a directory and prints the result object', () => {
    const dir = toolQaDir();
    const out = join(emptyDir(), 'report');
    const run = runCli(['eval', 'tool-qa', '--dir', dir, '--data', dir, '--json', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.toString());
    expect(Object.keys(result)).toEqual(['suite', 'mode', 'cases', 'aggregate']);
    expect(result.suite).toBe('tool-qa');
    expect(result.mode).toBe('offline');
    expect(result.cases).toHaveLength(1);
    expect(Object.keys(result.cases[0]).slice(0, 3)).toEqual(['id', 'kind', 'status']);
    expect(result.cases[0].status).toBe('retained');
    expect(result.aggregate).toMatchObject({ n: 1, retainedRate: 1, recoverableRate: 0, lostRate: 0 });
    expect(result.aggregate.savings).toBeGreaterThan(0.7);
    for (const file of ['tool-qa.md', 'tool-qa.svg', 'tool-qa.json']) expect(existsSync(join(out, file))).toBe(true);
    expect(readFileSync(join(out, 'tool-qa.svg'), 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(readFileSync(join(out, 'tool-qa.md'), 'utf8')).toMatch(
      /^# headroom eval tool-qa \(offline\)\n\n1 cases\. Savings/,
    );
  });

  it('exits 3 when an aggregate falls below a --floor', () => {
    const dir = toolQaDir();
    const run = runCli([
      'eval',
      'tool-qa',
      '--dir',
      dir,
      '--data',
      dir,
      '--floor',
      'retainedRate=1',
      '--floor',
      'savings=0.99',
      '--out',
      join(emptyDir(), 'r'),
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^headroom: savings 0\.\d+ is below the floor 0\.99\n$/);
  });

  it.each([
    [['eval', 'nope'], 2, "headroom: eval takes one suite: tool-qa, squad, gsm8k, bfcl. Run 'headroom eval --help'\n"],
    [['eval', 'tool-qa', '--limit', '0'], 2, "headroom: --limit takes a whole number above 0 (got '0')\n"],
    [
      ['eval', 'tool-qa', '--floor', 'oops'],
      2,
      "headroom: --floor takes NAME=VALUE, for example retainedRate=1 (got 'oops')\n",
    ],
    [
      ['eval', 'squad', '--data', '/nonexistent/datasets'],
      1,
      'headroom: no datasets at /nonexistent/datasets; pass --data DIR or set HEADROOM_DATASETS\n',
    ],
    [['eval', 'tool-qa', '--mode', 'live'], 2, "headroom: --mode takes offline or online (got 'live')\n"],
    [
      ['eval', 'tool-qa', '--mode', 'online'],
      1,
      'headroom: online mode needs a model: set OPENAI_API_KEY or ANTHROPIC_API_KEY, or OPENAI_BASE_URL / HEADROOM_EVAL_BASE_URL for any OpenAI-compatible server (HEADROOM_EVAL_MODEL picks the model)\n',
    ],
  ])('%j → exit %i with one line', (args, code, stderr) => {
    const run = runCli(args);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr });
  });
});
