import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_SHAPING_TAG, verbosityInstruction } from '@headroom/core';
import { startScriptedModel } from '@headroom/proxy/testing';
import { describe, expect, it } from 'vitest';
import { emptyDir, REPO, runCli, startServing } from './run-cli.js';

/** Claude Code's two captured requests (texts replaced by placeholders, shapes as sent). */
const claude = JSON.parse(readFileSync(join(REPO, 'packages/core/test/fixtures/agents/claude.json'), 'utf8')) as {
  requests: { body: Record<string, unknown> }[];
};

describe('headroom compress --output-shaper', () => {
  it('ends a request’s system prompt with the instruction, as a block of its own after the agent’s', () => {
    const body = claude.requests[0]?.body as { system: unknown[] };
    const run = runCli(['compress', '--output-shaper', '--verbosity', '3', '--json'], { input: JSON.stringify(body) });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.toString()) as { output: { system: unknown[] }; tokensAfter: number };
    expect(out.output.system.slice(0, -1)).toEqual(body.system);
    expect(out.output.system.at(-1)).toEqual({ type: 'text', text: verbosityInstruction(3) });
  });

  it('lowers the effort of a turn that resumes after a successful tool call, with --effort-routing', () => {
    const body = structuredClone(claude.requests[1]?.body) as { messages: { content: unknown }[] };
    for (const block of (body.messages.at(-1)?.content ?? []) as Record<string, unknown>[]) delete block.is_error;
    const run = runCli(['compress', '--output-shaper', '--effort-routing'], { input: JSON.stringify(body) });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.toString()).output_config).toEqual({ effort: 'low' });
  });

  it('refuses in one line what it cannot shape, and a level without the shaper', () => {
    const text = runCli(['compress', '--output-shaper'], { input: 'plain words, no request' });
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/^headroom: --output-shaper applies to a request .*\n$/);
    const stray = runCli(['compress', '--verbosity', '2'], { input: '{}' });
    expect(stray.code).toBe(2);
    expect(stray.stderr).toBe('headroom: --verbosity applies to --output-shaper; add --output-shaper\n');
    const level = runCli(['proxy', '--output-shaper', '--verbosity', '5']);
    expect(level.code).toBe(2);
    expect(level.stderr).toBe("headroom: --verbosity takes 1, 2 or 3 (got '5')\n");
  });
});

describe('headroom proxy --output-shaper and headroom output-savings', () => {
  it('measures the saving against the held-out sessions and reports it with its interval', async () => {
    // Shorter replies to shaped requests: 70 output tokens against 100.
    const model = await startScriptedModel((request) => ({
      text: 'ok',
      usage: { input: 20, output: request.body.includes(OUTPUT_SHAPING_TAG) ? 70 : 100 + (request.body.length % 7) },
    }));
    const home = emptyDir();
    const serving = startServing(
      ['proxy', '--port', '0', '--output-shaper', '--output-holdout', '0.3', '--upstream-anthropic', model.url],
      { HEADROOM_HOME: home },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    try {
      const url = await serving.url;
      for (let n = 0; n < 40; n++) {
        const response = await fetch(`${url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
          body: JSON.stringify({
            model: 'claude-sonnet-4-6',
            max_tokens: 512,
            system: 'You are a coding agent.',
            messages: [{ role: 'user', content: `Question number ${n} about the build` }],
          }),
        });
        expect(response.status).toBe(200);
        await response.text();
      }
      const shaped = model.received.filter((r) => r.body.includes(OUTPUT_SHAPING_TAG)).length;
      expect(shaped).toBeGreaterThan(20);
      expect(shaped).toBeLessThan(40);
      const human = runCli(['output-savings', '--url', url]);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout.toString()).toMatch(
        /\nsaved {8}[\d,]+ output tokens \(\d+\.\d%\), 95% interval [\d,]+ to [\d,]+\nbasis {8}\d+ shaped turns against \d+ of held-out sessions \(measured\)\n/,
      );
      const json = JSON.parse(runCli(['output-savings', '--url', url, '--json']).stdout.toString());
      expect(json).toMatchObject({ basis: 'measured', shapedTurns: shaped, controlTurns: 40 - shaped });
      expect(json.low).toBeGreaterThan(0);
      expect(json.savedShare).toBeGreaterThan(0.25);
      expect(json.savedShare).toBeLessThan(0.35);
    } finally {
      await serving.stop();
      await model.close();
    }
  });

  it('fails in one line when no proxy answers and no figures are kept', async () => {
    const home = emptyDir();
    const run = runCli(['output-savings'], { env: { HEADROOM_HOME: home, HEADROOM_PROXY_PORT: '9' } });
    // No proxy and no figures yet: one line saying so.
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^headroom: no Headroom proxy answered at http:\/\/127\.0\.0\.1:9 /);
  });
});
