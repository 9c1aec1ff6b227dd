import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACT, fakeModel } from '../../packages/proxy/test/fake-model.js';
import { startUpstream } from '../../packages/proxy/test/fake-upstream.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream(fakeModel);
});
afterAll(() => upstream.close());

/** Runs an example as a user would (asynchronously: the fake model answers from this process). */
async function run(example: string) {
  const before = upstream.received.length;
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../${example}`, import.meta.url))], {
    env: {
      PATH: process.env.PATH ?? '',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: upstream.url,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout, stderr, requests: upstream.received.slice(before) };
}

describe.each(['openai-sdk.mjs', 'anthropic-sdk.mjs', 'vercel-ai.mjs', 'langchain.mjs'])('examples/%s', (example) => {
  it('answers from the compressed tool output, with the retrieve round answered inside', async () => {
    const { status, stdout, stderr, requests } = await run(example);
    expect(stderr.replace(/^headroom: \d+ → \d+ tokens\n$/, '')).toBe('');
    expect(status).toBe(0);
    expect(stdout.trim()).toBe(`The log says: ${FACT}`);
    // The tool output reached the model compressed, then the original came back through retrieval.
    expect(requests).toHaveLength(2);
    expect(requests[0]?.body.length).toBeLessThan(20_000);
    expect(requests[1]?.body).toContain('headroom retrieved');
  });
});
