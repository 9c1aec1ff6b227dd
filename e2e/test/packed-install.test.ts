import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACT, fakeModel } from '../../packages/proxy/test/fake-model.js';
import { startUpstream } from '../../packages/proxy/test/fake-upstream.js';
import { installPacked, REPO } from '../src/packed.js';

// Release hygiene: the @headroom tarballs, installed together into an empty project, and each
// package's documented example run there on the Node that runs this suite (26 in the whole
// suite, 22 and 24 in CI's smoke tier).
let dir: string;
let project: string;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'headroom-packed-'));
  project = installPacked(dir);
  upstream = await startUpstream(fakeModel);
}, 600_000);
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a file of the project as a user would, in its own HOME; resolves with what it printed. */
async function run(args: string[]) {
  const home = mkdtempSync(join(dir, 'home-'));
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      HEADROOM_HOME: home,
      UPSTREAM_URL: upstream.url,
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
  if (status !== 0) throw new Error(`node ${args.join(' ')} exited ${status}: ${stderr}`);
  return { stdout, stderr };
}
const printed = async (file: string) => JSON.parse((await run([file])).stdout) as Record<string, unknown>;

describe(`the packed @headroom packages installed with npm, on Node ${process.versions.node}`, () => {
  it('installs every published package, each from its tarball', () => {
    const published = ['packages', 'apps']
      .flatMap((d) => readdirSync(join(REPO, d)).map((p) => join(REPO, d, p, 'package.json')))
      .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name: string; private?: boolean })
      .filter((p) => !p.private)
      .map((p) => p.name)
      .sort();
    const installed = readdirSync(join(project, 'node_modules', '@headroom')).map((n) => `@headroom/${n}`);
    expect(installed.sort()).toEqual(published);
    expect(published).toHaveLength(10);
  });

  it('@headroom/core: ESM and CommonJS', async () => {
    const esm = (await printed('core.mjs')) as { tokensBefore: number; tokensAfter: number };
    expect(esm).toMatchObject({ requestKept: true, textKept: true });
    expect(esm.tokensAfter).toBeLessThan(esm.tokensBefore);
    expect(await printed('core.cjs')).toEqual({ minified: true, tokens: 2 });
  });

  it('@headroom/crushers: a whole request and a grep output', async () => {
    const out = (await printed('crushers.mjs')) as { tokensBefore: number; tokensAfter: number; sent: string };
    expect(out.tokensAfter).toBeLessThan(out.tokensBefore / 4);
    expect(out.sent).toContain(FACT);
    expect(out).toMatchObject({ grepKept: true, grepSmaller: true });
  });

  it('@headroom/ccr: SQLite store and a retrieve call give back the exact original', async () => {
    expect(await printed('ccr.mjs')).toMatchObject({
      key: expect.stringMatching(/\S/),
      tool: 'headroom_retrieve',
      exact: true,
    });
  });

  it('@headroom/memory: save, search, select (SQLite with sqlite-vec)', async () => {
    expect(await printed('memory.mjs')).toMatchObject({
      first: 'Tests run with pnpm test',
      selected: expect.stringContaining('Tests run with pnpm test'),
    });
  });

  it('@headroom/kompress: onnxruntime-node loads and the model scores', async () => {
    const { status, text } = (await printed('kompress.mjs')) as { status: Record<string, unknown>; text: string };
    expect(status).toMatchObject({ available: true, compressed: 1, fallbacks: 0 });
    expect(text).toContain('rollout 7 paused quota region 7.');
    expect(text).not.toContain('because');
  });

  it('@headroom/proxy: serveProxy on a socket answers the retrieve round itself', async () => {
    expect(await printed('proxy.mjs')).toEqual({ status: 200, text: `The log says: ${FACT}` });
  });

  it('@headroom/mcp: the stdio server under the MCP SDK client', async () => {
    expect(await printed('mcp.mjs')).toMatchObject({ exact: true });
  });

  it.each(['openai-sdk.mjs', 'anthropic-sdk.mjs', 'vercel-ai.mjs', 'langchain.mjs'])(
    'the adapters: examples/%s',
    async (example) => {
      const { stdout } = await run([example]);
      expect(stdout.trim()).toBe(`The log says: ${FACT}`);
    },
  );

  it('@headroom/cli: the installed `headroom` compresses a file', async () => {
    const bin = join(project, 'node_modules', '@headroom', 'cli', 'dist', 'headroom.js');
    const { stdout, stderr } = await run([
      bin,
      'compress',
      'data/deploy-log.txt',
      '--stats',
      '--query',
      'rollout paused',
    ]);
    expect(stdout).toContain(FACT);
    expect(stderr).toMatch(/tokens/);
    expect(readdirSync(join(project, 'node_modules', '.bin'))).toContain('headroom');
  });
});
