import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, emptyDir, recordingUpstream, runCli, startServing } from './run-cli.js';

describe('headroom proxy', () => {
  it('serves, says what to export, forwards to the configured upstream, and stops on SIGTERM', async () => {
    const upstream = await recordingUpstream('{"id":"x","choices":[]}');
    const bodies = upstream.bodies;
    const upstreamUrl = upstream.url;

    const home = emptyDir();
    const child = spawn(process.execPath, [BIN, 'proxy', '--port', '0', '--upstream-openai', upstreamUrl], {
      env: { PATH: process.env.PATH ?? '', HEADROOM_HOME: home },
      cwd: emptyDir(),
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const url = await new Promise<string>((resolve) => {
      child.stdout.on('data', (c) => {
        stdout += c;
        const m = /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1] as string);
      });
    });
    expect(stdout).toContain(`export ANTHROPIC_BASE_URL=${url}\n  export OPENAI_BASE_URL=${url}/v1`);

    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}';
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    // A request that runs no tools and has nothing to compress goes upstream byte for byte (the
    // retrieve tool is offered to clients that run tools).
    expect(bodies).toEqual([body]);

    const stats = runCli(['stats', '--url', url, '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout.toString())).toMatchObject({ requests: 1, compressedRequests: 0 });
    const human = runCli(['stats', '--url', url]).stdout.toString();
    expect(human).toMatch(
      /^proxy {8}http:\/\/127\.0\.0\.1:\d+\nrequests {5}1 \(0 compressed\) in 1 session; 0 retrieve rounds answered\n/,
    );
    expect(human).toContain('\nprose        extractive (off: no model configured (set HEADROOM_KOMPRESS_MODEL');

    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toBe('headroom: proxy stopped\n');
    // The figures are kept for the next start, and read from the counters with no proxy running.
    const kept = runCli(['stats', '--json'], { env: { HEADROOM_HOME: home, HEADROOM_PROXY_PORT: '9' } });
    expect(JSON.parse(kept.stdout.toString())).toMatchObject({ requests: 1, scope: 'shared' });
    expect(runCli(['stats'], { env: { HEADROOM_HOME: home, HEADROOM_PROXY_PORT: '9' } }).stdout.toString()).toMatch(
      /^figures {6}.*ccr\.db \(no proxy answered at http:\/\/127\.0\.0\.1:9\)\nrequests {5}1 /,
    );
    await upstream.close();
  });

  it('stats without a proxy: exit 1 with one line', () => {
    const run = runCli(['stats', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^headroom: no Headroom proxy answered at http:\/\/127\.0\.0\.1:9 \(.+\); start one with 'headroom proxy' or pass --url\n$/,
    );
  });

  it('rejects a bad port with exit 2', () => {
    const run = runCli(['proxy', '--port', 'http']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr: "headroom: --port takes a port number (got 'http')\n",
    });
  });
});

describe('headroom proxy beyond loopback', () => {
  it('asks for the admin token, which headroom stats takes with --token', async () => {
    const proxy = startServing(
      ['proxy', '--host', '0.0.0.0', '--port', '0'],
      { HEADROOM_HOME: emptyDir(), HEADROOM_ADMIN_TOKEN: 'tok-e2e' },
      /Headroom proxy on (http:\/\/[\d.]+:\d+)/,
    );
    const port = new URL(await proxy.url).port;
    const local = `http://127.0.0.1:${port}`;
    const refused = runCli(['stats', '--url', local]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('it answered 401');
    const admitted = runCli(['stats', '--url', local, '--token', 'tok-e2e', '--json']);
    expect(admitted.code).toBe(0);
    expect(JSON.parse(admitted.stdout.toString())).toMatchObject({ requests: 0 });
    expect((await proxy.stop()).code).toBe(0);
  });
});

describe('headroom proxy with a malformed upstream', () => {
  it('refuses it at start with one line, instead of failing every request', () => {
    const run = runCli(['proxy', '--port', '0', '--upstream-openai', 'not-a-url']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "headroom: --upstream-openai takes an http(s) URL like https://api.openai.com (got 'not-a-url')\n",
    );
  });
});

describe('headroom proxy --memory', () => {
  it('starts a session with the shared memories most relevant to its opening', async () => {
    const home = emptyDir();
    expect(
      runCli(['memory', 'add', 'The payments service runs on port 4010 in development.', '--scope', 'global'], {
        env: { HEADROOM_HOME: home },
      }).code,
    ).toBe(0);
    const upstream = await recordingUpstream('{"id":"m","type":"message","content":[]}');
    const bodies = upstream.bodies;
    const proxy = startServing(
      ['proxy', '--port', '0', '--memory', '--upstream-anthropic', upstream.url],
      { HEADROOM_HOME: home },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const url = await proxy.url;
    await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Which port does the payments service use?' }],
      }),
    });
    expect((await proxy.stop()).code).toBe(0);
    await upstream.close();
    expect(JSON.parse(bodies[0] as string).system).toBe(
      'Relevant memories:\n- The payments service runs on port 4010 in development.',
    );
  });
});
