import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli } from './run-cli.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A build log where one warning repeats hundreds of times around the lines that matter. */
const buildLog = [
  '$ npm ci',
  ...Array.from(
    { length: 250 },
    () => 'npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.',
  ),
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE unable to resolve dependency tree',
  ...Array.from(
    { length: 120 },
    () => 'npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported',
  ),
  'npm ERR! A complete log of this run can be found in: /root/.npm/_logs/debug-0.log',
  '',
].join('\n');

function compressJson(args: string[], input: string, home: string) {
  const run = runCli(['compress', '--json', ...args, '-'], { input, env: { HEADROOM_HOME: home } });
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout.toString('utf8')) as {
    output: string;
    ccrKeys: string[];
    tokensBefore: number;
    tokensAfter: number;
  };
}

describe('compress → retrieve across processes', () => {
  it('stores the original under the key in the marker; a new process gives back the exact bytes', () => {
    const home = emptyDir();
    const out = compressJson([], buildLog, home);
    expect(out.ccrKeys).toHaveLength(1);
    const key = out.ccrKeys[0] as string;
    expect(out.output.split('\n')).toEqual([
      '$ npm ci',
      'npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.',
      `[… 249 of 375 lines omitted (repeats of the line above) · headroom:${key} …]`,
      'npm ERR! code ERESOLVE',
      'npm ERR! ERESOLVE unable to resolve dependency tree',
      'npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported',
      `[… 119 of 375 lines omitted (repeats of the line above) · headroom:${key} …]`,
      'npm ERR! A complete log of this run can be found in: /root/.npm/_logs/debug-0.log',
      '',
    ]);
    expect(out.tokensAfter).toBeLessThan(out.tokensBefore / 10);

    const whole = runCli(['retrieve', key], { env: { HEADROOM_HOME: home } });
    expect(whole.code).toBe(0);
    expect(sha256(whole.stdout)).toBe(sha256(buildLog));
    expect(whole.stderr).toBe(`[headroom retrieved ${key}: the original, 375 lines, on stdout]\n`);

    const query = runCli(['retrieve', key, '--query', 'ERESOLVE'], { env: { HEADROOM_HOME: home } });
    expect(query.code).toBe(0);
    expect(query.stdout.toString('utf8')).toBe(
      [
        `[headroom retrieved ${key}: 2 of 375 lines match "ERESOLVE", best first]`,
        'L252: npm ERR! code ERESOLVE',
        'L253: npm ERR! ERESOLVE unable to resolve dependency tree',
        '',
      ].join('\n'),
    );

    const json = runCli(['retrieve', `headroom:${key}`, '--json'], { env: { HEADROOM_HOME: home } });
    expect(JSON.parse(json.stdout.toString('utf8'))).toEqual({ key, query: null, content: buildLog });
  });

  it('never compresses retrieved content again', () => {
    const home = emptyDir();
    const key = compressJson([], buildLog, home).ccrKeys[0] as string;
    const whole = runCli(['retrieve', key], { env: { HEADROOM_HOME: home } });
    // What an agent's shell tool shows: stderr and stdout together.
    const seen = whole.stderr + whole.stdout.toString('utf8');
    const again = runCli(['compress', '--json', '-'], { input: seen, env: { HEADROOM_HOME: home } });
    const out = JSON.parse(again.stdout.toString('utf8'));
    expect(out.output).toBe(seen);
    expect(out.transforms[0].skipped).toBe('retrieved');
  });

  it('leaves markers intact when compressing already-compressed text', () => {
    const home = emptyDir();
    const first = compressJson([], buildLog, home);
    const second = compressJson([], first.output, home);
    expect(second.output).toBe(first.output);
    expect(second.ccrKeys).toEqual([]);
  });

  it('with --no-store or store.enabled=false, still counts omissions but writes no key', () => {
    const home = emptyDir();
    const out = compressJson(['--no-store'], buildLog, home);
    expect(out.ccrKeys).toEqual([]);
    expect(out.output).toContain('[… 249 of 375 lines omitted (repeats of the line above) …]');
    writeFileSync(join(home, 'headroom.config.json'), JSON.stringify({ store: { enabled: false } }));
    expect(compressJson([], buildLog, home).ccrKeys).toEqual([]);
    expect(runCli(['ccr', 'stats', '--json'], { env: { HEADROOM_HOME: home } }).stdout.toString()).toMatch(
      /"entries":0/,
    );
  });

  it('compresses without keys, with a one-line warning, when the store cannot be opened', () => {
    const dir = emptyDir();
    const notADir = join(dir, 'file');
    writeFileSync(notADir, 'x');
    const run = runCli(['compress', '--json', '-'], { input: buildLog, env: { HEADROOM_HOME: notADir } });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^headroom: the CCR store is unavailable \(.+\); compressing without keys\n$/);
    expect(JSON.parse(run.stdout.toString()).ccrKeys).toEqual([]);
  });
});

describe('headroom retrieve errors', () => {
  it('an unknown key: exit 1 with one line the model can act on', () => {
    const run = runCli(['retrieve', '0123456789abcdef01234567']);
    expect({ code: run.code, stderr: run.stderr, stdout: run.stdout.toString() }).toEqual({
      code: 1,
      stderr:
        'headroom: No stored original for headroom:0123456789abcdef01234567: it expired or was never stored here. Run the tool again to get the content.\n',
      stdout: '',
    });
  });

  it('no key: exit 2', () => {
    expect(runCli(['retrieve']).code).toBe(2);
  });
});

describe('headroom ccr', () => {
  it('reports stats and purges', () => {
    const home = emptyDir();
    compressJson([], buildLog, home);
    const env = { HEADROOM_HOME: home };
    const stats = JSON.parse(runCli(['ccr', 'stats', '--json'], { env }).stdout.toString());
    expect(stats).toMatchObject({
      entries: 1,
      bytes: Buffer.byteLength(buildLog),
      maxBytes: 2_000_000_000,
      location: join(home, 'ccr.db'),
    });
    expect(runCli(['ccr', 'stats'], { env }).stdout.toString()).toMatch(/^store {8}.*ccr\.db\nentries {6}1 \(/);
    expect(runCli(['ccr', 'purge', '--older-than', '1h'], { env }).stdout.toString()).toBe(
      `removed 0 entries; 1 left (${(Buffer.byteLength(buildLog) / 1000).toFixed(1)} kB)\n`,
    );
    expect(runCli(['ccr', 'purge', '--all'], { env }).stdout.toString()).toBe('removed 1 entry; 0 left (0 B)\n');
  });

  it.each([
    [
      ['ccr', 'purge'],
      "headroom: purge needs exactly one of --older-than DURATION (e.g. 3d) or --all. Run 'headroom ccr --help'",
    ],
    [
      ['ccr', 'purge', '--older-than', 'soon'],
      "headroom: --older-than takes a duration like 30m, 12h, 7d or 2w (got 'soon')",
    ],
    [
      ['ccr', 'vacuum'],
      "headroom: unknown ccr command 'vacuum' (expected stats, purge or migrate). Run 'headroom ccr --help'",
    ],
  ])('bad usage %j: exit 2', (args, message) => {
    const run = runCli(args);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 2, stderr: `${message}\n` });
  });
});
