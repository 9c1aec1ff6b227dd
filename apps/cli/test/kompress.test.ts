import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tinyModel } from '@headroom/kompress/testing';
import { describe, expect, it } from 'vitest';
import { emptyDir, recordingUpstream, runCli, startServing, stdioClient } from './run-cli.js';

const KEEP = ['rollout', 'paused', 'quota', 'region', 'deploy', 'failed', 'cluster', 'nodes', 'memory', 'pressure'];
const DROP = ['the', 'was', 'because', 'of', 'a', 'and', 'it', 'then', 'so', 'we', 'that', 'in', 'on', 'is'];
const SENTENCES = [
  'The rollout was paused because of a quota in the region and it failed then.',
  'So we saw that the cluster nodes were on memory pressure.',
  'Then the deploy failed again, and it is still paused in that region.',
  'We think it is a quota problem, so the rollout is on hold.',
  'The memory pressure on the nodes was high because the cluster is small.',
  'It failed on the second deploy and then on the third one as well.',
];
/** Prose the router takes for prose: paragraphs of differing sentences. */
const prose = Array.from(
  { length: 24 },
  (_, i) => `${[0, 1, 2].map((k) => SENTENCES[(i * 5 + k * 7) % SENTENCES.length]).join(' ')} That was attempt ${i}.`,
).join('\n\n');

describe('headroom compress with Kompress', () => {
  it('uses Kompress for prose when a model directory is configured, and says so in the figures', () => {
    const model = tinyModel(KEEP, DROP);
    const run = runCli(['compress', '--json'], { input: prose, env: { HEADROOM_KOMPRESS_MODEL: model.dir } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.toString()) as {
      output: string;
      transforms: { name: string }[];
      tokensAfter: number;
      tokensBefore: number;
    };
    expect(result.transforms.map((t) => t.name)).toEqual(['kompress']);
    expect(result.output).toContain('rollout paused quota region failed');
    expect(result.output).not.toContain('The rollout was paused because');
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore * 0.7);
  });

  it('says in the figures when prose went to the extractive compressor for want of a model', () => {
    const run = runCli(['compress', '--stats'], { input: prose });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /segments compressed .* · prose: extractive \(set HEADROOM_KOMPRESS_MODEL for Kompress\)\n$/,
    );
  });

  it('says in one line when the configured model does not load', () => {
    const model = tinyModel(KEEP, DROP);
    writeFileSync(join(model.dir, 'model.onnx'), 'not an onnx model');
    const run = runCli(['compress', '--json'], { input: prose, env: { HEADROOM_KOMPRESS_MODEL: model.dir } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^headroom: Kompress could not run \(.+\); prose used the extractive compressor\n$/);
    expect((JSON.parse(run.stdout.toString()) as { transforms: { name: string }[] }).transforms[0]?.name).toBe(
      'prose-crusher',
    );
  });

  it('falls back to the extractive compressor without a usable model, and says why in one line', () => {
    const run = runCli(['compress', '--json'], { input: prose, env: { HEADROOM_KOMPRESS_MODEL: '/nowhere/model' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^headroom: the Kompress model directory \/nowhere\/model does not exist: set HEADROOM_KOMPRESS_MODEL .*extractive compressor meanwhile\n$/,
    );
    const result = JSON.parse(run.stdout.toString()) as { transforms: { name: string }[] };
    expect(result.transforms.map((t) => t.name)).toEqual(['prose-crusher']);
  });
});

describe('headroom proxy with Kompress', () => {
  it('reports on /health what prose runs on, and compresses prose tool results with Kompress', async () => {
    const model = tinyModel(KEEP, DROP);
    const upstream = await recordingUpstream('{"id":"x","choices":[]}');
    const bodies = upstream.bodies;
    const proxy = startServing(
      ['proxy', '--port', '0', '--upstream-openai', upstream.url],
      { HEADROOM_HOME: emptyDir(), HEADROOM_KOMPRESS_MODEL: model.dir },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const url = await proxy.url;
    type Health = { components: { prose: { engine: string; available: boolean; pool: { ready: number } } } };
    let health = (await (await fetch(`${url}/health`)).json()) as Health;
    expect(health.components.prose).toMatchObject({ engine: 'kompress', available: true });
    // The model loads in its worker while the proxy serves; wait for it, as a health check would.
    while (health.components.prose.pool.ready < 1) {
      await new Promise((r) => setTimeout(r, 50));
      health = (await (await fetch(`${url}/health`)).json()) as Health;
    }
    await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'What happened to the rollout?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'read_report', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c', content: prose },
        ],
      }),
    });
    const stats = (await (await fetch(`${url}/stats`)).json()) as { byTransform: Record<string, unknown> };
    expect(Object.keys(stats.byTransform)).toContain('kompress');
    expect(bodies[0]).toContain('rollout paused quota region failed');
    expect((await proxy.stop()).code).toBe(0);
    await upstream.close();
  });

  it('says on /health that prose falls back when no model is configured', async () => {
    const proxy = startServing(
      ['proxy', '--port', '0'],
      { HEADROOM_HOME: emptyDir() },
      /Headroom proxy on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    const health = (await (await fetch(`${await proxy.url}/health`)).json()) as {
      components: { prose: Record<string, string> };
    };
    expect(health.components.prose).toEqual({
      engine: 'prose-crusher',
      kompress: 'off: no model configured (set HEADROOM_KOMPRESS_MODEL to a model directory)',
    });
    await proxy.stop();
  });
});

describe('headroom mcp serve with Kompress', () => {
  it('compresses prose with Kompress in headroom_compress', async () => {
    const model = tinyModel(KEEP, DROP);
    const client = await stdioClient(emptyDir(), 'claude-code', emptyDir(), { HEADROOM_KOMPRESS_MODEL: model.dir });
    const result = (await client.callTool({ name: 'headroom_compress', arguments: { content: prose } })) as {
      content: { type: string; text: string }[];
    };
    expect(result.content[0]?.text).toContain('rollout paused quota region failed');
    await client.close();
  });
});
