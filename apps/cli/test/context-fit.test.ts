import { parseMarkers } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli } from './run-cli.js';

/** A session of eight build runs, each output ~700 tokens, the last one just returned. */
function session(model: string) {
  const output = (n: number) =>
    Array.from(
      { length: 60 },
      (_, i) => `[step ${n}.${i}] compiled module_${n}_${i}.ts in ${(i * 37 + n * 11) % 997} ms`,
    )
      .concat(`ERROR module_${n}.ts: cannot find name 'config${n}'`)
      .join('\n');
  return {
    model,
    max_tokens: 500,
    messages: [
      { role: 'user', content: 'Build it and fix what fails.' },
      ...Array.from({ length: 8 }, (_, n) => [
        { role: 'assistant', content: [{ type: 'tool_use', id: `t${n}`, name: 'build', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: output(n) }] },
      ]).flat(),
    ],
  };
}

type Sent = { messages: { content: string | { type: string; content?: unknown }[] }[] };
const toolResults = (request: Sent) =>
  request.messages.flatMap((m) =>
    Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_result').map((b) => String(b.content)) : [],
  );

describe('headroom compress of a request larger than its model’s window', () => {
  it('folds the outputs of earlier turns until it fits, each original behind a key retrieve gives back', () => {
    const home = emptyDir();
    // Compression alone leaves the request over the window: only fitting makes room.
    const body = JSON.stringify(session('my-model'));
    const plain = runCli(['compress', '--json'], { input: body, env: { HEADROOM_HOME: home } });
    const before = JSON.parse(plain.stdout.toString()).tokensAfter as number;
    expect(before).toBeGreaterThan(4000);
    const run = runCli(['compress', '--json', '--context-window', 'my-model=5000'], {
      input: body,
      env: { HEADROOM_HOME: home },
    });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.toString()) as { output: Sent; tokensAfter: number };
    expect(out.tokensAfter).toBeLessThan((5000 - 500) * 0.97);
    // The newest output is as compression alone left it; the oldest is folded, its error line kept.
    const results = toolResults(out.output);
    const unfitted = toolResults(JSON.parse(plain.stdout.toString()).output as Sent);
    expect(results.at(-1)).toBe(unfitted.at(-1));
    expect(results[0]?.length).toBeLessThan((unfitted[0]?.length ?? 0) / 3);
    const [marker] = parseMarkers(results[0] as string);
    expect(results[0]).toContain("ERROR module_0.ts: cannot find name 'config0'");
    const back = runCli(['retrieve', marker?.key as string], { env: { HEADROOM_HOME: home } });
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout.toString()).toContain('[step 0.59] compiled module_0_59.ts');
  });

  it('refuses a window it cannot read in one line', () => {
    const run = runCli(['compress', '--context-window', 'my-model 5000'], { input: '{}' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "headroom: --context-window takes model=tokens, like claude-sonnet-4-6=200k or my-model=32768 (got 'my-model 5000')\n",
    );
  });
});
