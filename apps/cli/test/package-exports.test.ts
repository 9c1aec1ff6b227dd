import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const here = new URL('..', import.meta.url).pathname;
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' }).trim();

describe('@headroom/core as a consumer imports it', () => {
  it('loads through its ESM and CommonJS entry points with the same public surface', () => {
    const list = 'Object.keys(m).sort().join(",")';
    const esm = run(['--input-type=module', '-e', `const m = await import('@headroom/core'); console.log(${list})`]);
    const cjs = run(['-e', `const m = require('@headroom/core'); console.log(${list})`]);
    expect(cjs).toBe(esm);
    expect(esm.split(',')).toEqual(
      expect.arrayContaining(['compress', 'compressText', 'createJsonMinify', 'formatMarker']),
    );
  });

  it('counts tokens through the CommonJS build (lazy vocabulary loading works there too)', () => {
    const out = run([
      '-e',
      "require('@headroom/core').getTokenizer('gpt-4').then((t) => console.log(t.count('hello world')))",
    ]);
    expect(out).toBe('2');
  });
});
