import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, recordingUpstream, runCliAsync, startServing } from './run-cli.js';

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A folder of stand-in agent commands (they are only looked for on PATH, never run). */
function agentsOnPath(...names: string[]): string {
  const bin = join(emptyDir(), 'bin');
  mkdirSync(bin);
  for (const name of names) {
    writeFileSync(join(bin, name), '#!/bin/sh\necho stand-in\n');
    chmodSync(join(bin, name), 0o755);
  }
  return `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`;
}

interface DoctorJson {
  ok: boolean;
  checks: { name: string; status: string; detail: string; fix?: string }[];
}

const check = (report: DoctorJson, name: string) => report.checks.find((c) => c.name === name);

describe('headroom doctor', () => {
  it('against a running proxy: it answers, its upstreams answer, an agent routed to it is found', async () => {
    const upstream = await recordingUpstream();
    const home = emptyDir();
    const serving = startServing(
      [
        'proxy',
        '--port',
        '0',
        '--upstream-anthropic',
        upstream.url,
        '--upstream-openai',
        upstream.url,
        '--upstream-gemini',
        upstream.url,
      ],
      { HEADROOM_HOME: home },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    try {
      const url = await serving.url;
      const run = await runCliAsync(['doctor', '--url', url, '--json'], {
        env: { HEADROOM_HOME: home, HOME: emptyDir(), PATH: agentsOnPath('claude'), ANTHROPIC_BASE_URL: url },
      });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout.toString()) as DoctorJson;
      expect(report.ok).toBe(true);
      expect(check(report, 'proxy')).toMatchObject({ status: 'ok', detail: `running at ${url}` });
      for (const provider of ['anthropic', 'openai', 'google'])
        expect(check(report, `upstream ${provider}`)).toMatchObject({ status: 'ok' });
      expect(check(report, 'agent claude')?.detail).toBe(
        `routed to Headroom at ${url} on every run ($ANTHROPIC_BASE_URL)`,
      );
      expect(check(report, 'store')).toMatchObject({ status: 'ok' });
      expect(check(report, 'images')?.detail).toMatch(/^sharp \d+\.\d+\.\d+ \(libvips \d+\.\d+/);
      expect(check(report, 'agents')?.detail).toMatch(/^not installed: codex, /);
      // The human report: one line per check, and a verdict.
      const human = await runCliAsync(['doctor', '--url', url], { env: { HEADROOM_HOME: home, HOME: emptyDir() } });
      expect(human.stdout.toString()).toMatch(/^ok {3}headroom {11}\d+\.\d+\.\d+ on Node /);
      expect(human.stdout.toString()).toMatch(/\nok {3}proxy {14}running at http/);
      expect(human.stdout.toString().trimEnd().split('\n').at(-1)).toBe('Nothing is broken.');
    } finally {
      await serving.stop();
      await upstream.close();
    }
  });

  it('against a stopped proxy: a warning with what to do, nothing broken', async () => {
    const port = await deadPort();
    const run = await runCliAsync(['doctor', '--url', `http://127.0.0.1:${port}`], {
      env: { HOME: emptyDir(), PATH: agentsOnPath() },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.toString()).toContain(
      `\nwarn proxy              none answers at http://127.0.0.1:${port} (ECONNREFUSED) — start one with 'headroom proxy', or run an agent through one with 'headroom wrap <agent>'\n`,
    );
  });

  it('finds agents whose lasting routes lead nowhere, says where they are set, and exits 1', async () => {
    const dead = await deadPort();
    const home = emptyDir();
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex', 'config.toml'), `openai_base_url = "http://127.0.0.1:${dead}/v1"\n`);
    const run = await runCliAsync(['doctor', '--json', '--url', `http://127.0.0.1:${dead}`], {
      env: {
        HOME: home,
        PATH: agentsOnPath('claude', 'codex'),
        ANTHROPIC_BASE_URL: `http://127.0.0.1:${dead}`,
      },
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout.toString()) as DoctorJson;
    expect(report.ok).toBe(false);
    expect(check(report, 'agent claude')).toMatchObject({
      status: 'fail',
      detail: `lasting route to http://127.0.0.1:${dead} ($ANTHROPIC_BASE_URL), but nothing answers there (ECONNREFUSED)`,
      fix: `start 'headroom proxy --port ${dead}' or remove the route from $ANTHROPIC_BASE_URL`,
    });
    expect(check(report, 'agent codex')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`(${join(home, '.codex', 'config.toml')})`),
    });
    const human = await runCliAsync(['doctor', '--url', `http://127.0.0.1:${dead}`], {
      env: { HOME: home, PATH: agentsOnPath('claude', 'codex'), ANTHROPIC_BASE_URL: `http://127.0.0.1:${dead}` },
    });
    expect(human.code).toBe(1);
    expect(human.stdout.toString()).toMatch(/\nFAIL agent claude {7}lasting route to /);
    expect(human.stdout.toString().trimEnd().split('\n').at(-1)).toBe('2 problems found.');
  });

  it('says when a configured model directory is incomplete', async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'config.json'), '{}');
    const run = await runCliAsync(['doctor', '--json', '--url', `http://127.0.0.1:${await deadPort()}`], {
      env: { HOME: emptyDir(), PATH: agentsOnPath(), HEADROOM_KOMPRESS_MODEL: dir },
    });
    expect(run.code).toBe(1);
    expect(check(JSON.parse(run.stdout.toString()) as DoctorJson, 'kompress')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(new RegExp(`${dir} lacks model\\.onnx, tokenizer\\.json$`)),
    });
  });
});
