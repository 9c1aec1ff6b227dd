import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTokenizer, parseRequest, type WireFormat } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { emptyDir, REPO, runCli } from './run-cli.js';

const FIXTURES = join(REPO, 'packages/core/test/fixtures');
const EXAMPLE = join(REPO, 'examples/agent-request.json');

interface JsonOutput {
  output: unknown;
  tokensBefore: number;
  tokensAfter: number;
  ms: number;
  transforms: {
    name: string;
    contentType: string;
    tokensBefore: number;
    tokensAfter: number;
    ms: number;
    skipped?: string;
  }[];
  ccrKeys: string[];
}

const parseJsonOutput = (stdout: Buffer): JsonOutput => JSON.parse(stdout.toString('utf8'));
const fileIn = (dir: string, name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

function expectContractShape(out: JsonOutput): void {
  // `images` follows when the request carries inline images: each with its size and token cost.
  const keys = Object.keys(out);
  expect(keys.slice(0, 6)).toEqual(['output', 'tokensBefore', 'tokensAfter', 'ms', 'transforms', 'ccrKeys']);
  expect(keys.length === 6 || (keys.length === 7 && keys[6] === 'images')).toBe(true);
  for (const image of (out as { images?: Record<string, unknown>[] }).images ?? [])
    expect(Object.keys(image).slice(0, 3)).toEqual(['path', 'mediaType', 'bytes']);
  expect(Number.isInteger(out.tokensBefore) && Number.isInteger(out.tokensAfter)).toBe(true);
  expect(out.tokensAfter).toBeLessThanOrEqual(out.tokensBefore);
  expect(typeof out.ms).toBe('number');
  for (const t of out.transforms) {
    const keys = Object.keys(t);
    expect(keys.slice(0, 5)).toEqual(['name', 'contentType', 'tokensBefore', 'tokensAfter', 'ms']);
    expect(keys.length === 5 || (keys.length === 6 && typeof t.skipped === 'string')).toBe(true);
    expect(t.name).toMatch(/^[a-z][a-z0-9-]*$/);
  }
  // Every key is listed once and appears verbatim inside a marker in the output.
  const printed = JSON.stringify(out.output);
  expect(new Set(out.ccrKeys).size).toBe(out.ccrKeys.length);
  for (const key of out.ccrKeys) expect(printed).toContain(`headroom:${key} …]`);
}

describe('headroom compress --json on requests', () => {
  it.each([
    ['openai', 'openai-chat.json'],
    ['anthropic', 'anthropic-messages.json'],
    ['responses', 'responses.json'],
  ] as const)('%s: prints the contract JSON with the compressed request in its own format', async (format, file) => {
    const path = join(FIXTURES, file);
    const first = runCli(['compress', '--json', path]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const out = parseJsonOutput(first.stdout);
    expectContractShape(out);
    expect(out.tokensAfter).toBeLessThan(out.tokensBefore);
    const original = JSON.parse(readFileSync(path, 'utf8'));
    const before = parseRequest(original, format as WireFormat).segments;
    const after = parseRequest(out.output, format as WireFormat).segments;
    expect(after.map((s) => s.kind === 'tool-result' || s.text)).toEqual(
      before.map((s) => s.kind === 'tool-result' || s.text),
    );
    expect(out.transforms).toHaveLength(before.length);

    const second = parseJsonOutput(runCli(['compress', '--json', path]).stdout);
    expect(JSON.stringify(second.output)).toBe(JSON.stringify(out.output));
    expect({ ...second, ms: 0, transforms: [] }).toEqual({ ...out, ms: 0, transforms: [] });
  });

  it('compresses the shipped example, keeping every byte outside the tool results', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const plain = runCli(['compress', EXAMPLE]);
    expect(plain.code).toBe(0);
    const out = plain.stdout.toString('utf8');
    expect(out.length).toBeLessThan(text.length);
    // The system prompt and user question come out exactly where and as they were.
    const head = text.slice(0, text.indexOf('"tool_calls"'));
    expect(out.startsWith(head)).toBe(true);
    expect(JSON.parse(out).messages.slice(0, 3)).toEqual(JSON.parse(text).messages.slice(0, 3));
  });
});

describe('headroom compress on raw tool output', () => {
  it('compresses a JSON output losslessly below the lossy threshold and reports it', async () => {
    const records = Array.from({ length: 60 }, (_, i) => ({
      id: i,
      status: i % 7 ? 'ok' : 'failed',
      path: `src/module${i}.ts`,
    }));
    const json = JSON.stringify(records, null, 2);
    const run = runCli(['compress', '--json', '-'], { input: json });
    expect(run.code).toBe(0);
    const out = parseJsonOutput(run.stdout);
    expectContractShape(out);
    expect(typeof out.output).toBe('string');
    // Lossless: every value is still there (as minified JSON or a smaller TOON table), no marker.
    for (const r of records) expect(out.output).toContain(r.path);
    expect(out.output).not.toContain('[…');
    expect(out.ccrKeys).toEqual([]);
    expect(out.transforms.map((t) => [t.name, t.contentType, t.skipped ?? null])).toEqual([
      ['json-crusher', 'json', null],
    ]);
    const tokenizer = await getTokenizer();
    expect(out.tokensBefore).toBe(tokenizer.count(json));
    expect(out.tokensAfter).toBe(tokenizer.count(out.output as string));
  });

  it('reads stdin when no FILE is given', () => {
    const run = runCli(['compress'], { input: '[1, 2, 3]' });
    expect({ code: run.code, stdout: run.stdout.toString() }).toEqual({ code: 0, stdout: '[1, 2, 3]' });
  });

  it.each([
    ['broken JSON', '{"messages": [ {"role": "user", '],
    ['plain prose', 'The build passed.\n'],
    ['empty input', ''],
    ['a JSON value that is not a request', '{"hello": "world"}'],
  ])('passes %s through untouched under --format auto', (_name, input) => {
    const run = runCli(['compress', '-'], { input });
    expect({ code: run.code, stdout: run.stdout.toString('utf8'), stderr: run.stderr }).toEqual({
      code: 0,
      stdout: input,
      stderr: '',
    });
    const json = parseJsonOutput(runCli(['compress', '--json', '-'], { input }).stdout);
    expectContractShape(json);
    expect(json.output).toBe(input);
  });

  it('passes binary bytes through byte for byte', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
    const run = runCli(['compress', '-'], { input: bytes });
    expect(run.code).toBe(0);
    expect(Buffer.compare(run.stdout, bytes)).toBe(0);
    const json = parseJsonOutput(runCli(['compress', '--json', '-'], { input: bytes }).stdout);
    expect(json.transforms.map((t) => t.skipped)).toEqual(['binary']);
  });
});

describe('headroom compress errors', () => {
  const oneLine = (stderr: string) => {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    return stderr.trimEnd();
  };

  it('a missing file: exit 1, one line naming it', () => {
    const run = runCli(['compress', 'nope.json']);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toBe(
      'headroom: cannot read nope.json: no such file. Check the path, or pipe the content into stdin',
    );
    expect(run.stdout.length).toBe(0);
  });

  it('a directory given as FILE: exit 1', () => {
    const run = runCli(['compress', '.']);
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toBe(
      'headroom: cannot read .: it is a directory. Check the path, or pipe the content into stdin',
    );
  });

  it('a declared format that is not JSON: exit 1', () => {
    const run = runCli(['compress', '--format', 'openai', '-'], { input: '{"messages": [' });
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toMatch(
      /^headroom: the input is not valid JSON \(.+\), so it cannot be an OpenAI Chat Completions request$/,
    );
  });

  it.each([
    [
      'anthropic',
      '{"model": "claude", "messages": {}}',
      'headroom: messages must be an array in an Anthropic Messages request',
    ],
    ['responses', '{"input": 7}', 'headroom: input must be a string or an array in an OpenAI Responses request'],
    ['openai', '{"model": "gpt-4o"}', 'headroom: messages must be an array in an OpenAI Chat Completions request'],
  ])('a request of the wrong shape for --format %s: exit 1', (format, input, message) => {
    const run = runCli(['compress', '--format', format, '-'], { input });
    expect({ code: run.code, stderr: oneLine(run.stderr) }).toEqual({ code: 1, stderr: message });
  });

  it('binary bytes under a declared request format: exit 1', () => {
    const run = runCli(['compress', '--format', 'responses', '-'], { input: Buffer.from([0xff, 0xfe, 0x00]) });
    expect({ code: run.code, stderr: oneLine(run.stderr) }).toEqual({
      code: 1,
      stderr: 'headroom: the input is not UTF-8 text, so it cannot be an OpenAI Responses request',
    });
  });

  it('bad usage: exit 2', () => {
    const unknownFlag = runCli(['compress', '--frobnicate']);
    expect({ code: unknownFlag.code, stderr: oneLine(unknownFlag.stderr) }).toEqual({
      code: 2,
      stderr: "headroom: unknown option '--frobnicate'. Run 'headroom compress --help' for usage",
    });
    const missingValue = runCli(['compress', '--query']);
    expect({ code: missingValue.code, stderr: oneLine(missingValue.stderr) }).toEqual({
      code: 2,
      stderr: "headroom: option '--query <value>' needs a value. Run 'headroom compress --help' for usage",
    });
    const badFormat = runCli(['compress', '--format', 'xml', '-']);
    expect({ code: badFormat.code, stderr: oneLine(badFormat.stderr) }).toEqual({
      code: 2,
      stderr: "headroom: unknown --format 'xml' (expected one of auto, text, openai, anthropic, responses, gemini)",
    });
    const command = runCli(['compres']);
    expect({ code: command.code, stderr: oneLine(command.stderr) }).toEqual({
      code: 2,
      stderr: "headroom: unknown command 'compres'. Run 'headroom --help' to see the commands",
    });
  });

  it('--debug adds the stack trace', () => {
    const run = runCli(['compress', '--debug', 'nope.json']);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')[0]).toBe(
      'headroom: cannot read nope.json: no such file. Check the path, or pipe the content into stdin',
    );
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe('headroom.config.json', () => {
  it('applies options from the working directory', () => {
    const dir = emptyDir();
    fileIn(dir, 'headroom.config.json', JSON.stringify({ excludeTools: ['github_list_issues'] }));
    const out = parseJsonOutput(runCli(['compress', '--json', EXAMPLE], { cwd: dir }).stdout);
    expect(out.transforms.map((t) => t.skipped ?? t.name)).toEqual([
      'system-prompt',
      'below-threshold',
      'excluded-tool',
      'json-crusher',
    ]);
  });

  it('applies options from HEADROOM_HOME', () => {
    const home = emptyDir();
    fileIn(home, 'headroom.config.json', JSON.stringify({ minTokens: 100000 }));
    const out = parseJsonOutput(runCli(['compress', '--json', EXAMPLE], { env: { HEADROOM_HOME: home } }).stdout);
    expect(out.tokensAfter).toBe(out.tokensBefore);
    expect(new Set(out.transforms.map((t) => t.skipped))).toEqual(new Set(['system-prompt', 'below-threshold']));
  });

  it('a broken config: exit 1 naming the file and the field', () => {
    const dir = emptyDir();
    const path = fileIn(dir, 'headroom.config.json', JSON.stringify({ compress: { system: 'yes' } }));
    const run = runCli(['compress', EXAMPLE], { cwd: dir });
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: `headroom: ${path}: "compress.system" must be true or false\n`,
    });
    fileIn(dir, 'headroom.config.json', '{ nope');
    expect(runCli(['compress', EXAMPLE], { cwd: dir }).stderr).toMatch(
      /^headroom: .*headroom\.config\.json is not valid JSON \(.*\); fix or remove it\n$/,
    );
  });
});

describe('headroom --help / --version', () => {
  it('prints the version and help', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'apps/cli/package.json'), 'utf8'));
    expect(runCli(['--version']).stdout.toString()).toBe(`${pkg.version}\n`);
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(/^headroom — context compression for AI agents\n/);
    expect(runCli(['compress', '--help']).stdout.toString()).toMatch(
      /^Usage: headroom compress \[FILE\|-\] \[options\]\n/,
    );
    expect(runCli([]).code).toBe(2);
  });
});
