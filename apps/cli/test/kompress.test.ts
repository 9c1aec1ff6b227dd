import { tinyModel } from '@headroom/kompress/testing';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

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
  (_, i) => [0, 1, 2].map((k) => SENTENCES[(i * 5 + k * 7) % SENTENCES.length]).join(' ') + ` That was attempt ${i}.`,
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
