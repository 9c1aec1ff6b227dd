import { describe, expect, it } from 'vitest';
import { loadFixture } from '../test/fixtures.js';
import { compress, compressText } from './compress.js';
import { InvalidRequestError } from './errors/headroom-error.js';
import { FirstSightCache } from './pipeline/first-sight-cache.js';
import { spliceJsonText } from './request/json-splice.js';
import { parseRequest } from './request/wire.js';
import { createJsonMinify } from './transforms/json-minify/json-minify.js';

const transforms = [createJsonMinify()];
const fresh = () => ({ transforms, firstSight: new FirstSightCache() });

describe.each([
  ['openai', 'openai-chat.json'],
  ['anthropic', 'anthropic-messages.json'],
  ['responses', 'responses.json'],
] as const)('compress(%s request)', (format, file) => {
  it('shrinks the tool results and nothing else, in the same wire format', async () => {
    const request = loadFixture(file);
    const result = await compress(request, fresh());
    expect(result.format).toBe(format);
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);

    const before = parseRequest(request, format).segments;
    const after = parseRequest(result.request, format).segments;
    expect(after.map((s) => s.path)).toEqual(before.map((s) => s.path));
    for (const [i, s] of after.entries()) {
      const original = before[i]?.text ?? '';
      if (s.kind === 'tool-result') expect(JSON.parse(s.text)).toEqual(JSON.parse(original));
      else expect(s.text).toBe(original);
    }
    const changed = result.transforms.filter((t) => !t.skipped);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((t) => t.name === 'json-minify' && t.contentType === 'json')).toBe(true);
    expect(result.transforms).toHaveLength(before.length);
    expect(result.ccrKeys).toEqual([]);
  });

  it('gives edits that splice into the original JSON text to give the same request', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL(`../test/fixtures/${file}`, import.meta.url), 'utf8');
    const result = await compress(JSON.parse(text), fresh());
    expect(result.edits.length).toBeGreaterThan(0);
    expect(JSON.parse(spliceJsonText(text, result.edits) ?? 'null')).toEqual(result.request);
  });

  it('is byte-identical across runs', async () => {
    const a = await compress(loadFixture(file), fresh());
    const b = await compress(loadFixture(file), fresh());
    expect(JSON.stringify(b.request)).toBe(JSON.stringify(a.request));
  });

  it('leaves segments that already went upstream alone', async () => {
    const result = await compress(loadFixture(file), { ...fresh(), isAlreadySent: () => true });
    expect(result.request).toEqual(loadFixture(file));
    expect(new Set(result.transforms.map((t) => t.skipped))).not.toContain(undefined);
  });
});

describe('compress', () => {
  it('keeps Anthropic thinking blocks, images and cache_control exactly', async () => {
    const request = loadFixture('anthropic-messages.json') as { messages: { content: unknown[] }[] };
    const result = await compress(request, fresh());
    const out = result.request as typeof request;
    expect(out.messages[1]).toEqual(request.messages[1]);
    expect(out.messages[0]).toEqual(request.messages[0]);
    type ToolResult = { cache_control: unknown; content: unknown[] };
    const statuses = out.messages[2]?.content[1] as ToolResult;
    const originalStatuses = request.messages[2]?.content[1] as ToolResult;
    expect(statuses.cache_control).toEqual({ type: 'ephemeral' });
    expect(statuses.content[1]).toEqual(originalStatuses.content[1]);
    expect(result.tokenizer).toEqual({ encoding: 'o200k_base', estimate: true });
  });

  it('reports why each untouched segment was skipped', async () => {
    const result = await compress(loadFixture('anthropic-messages.json'), fresh());
    expect(result.transforms.map((t) => t.skipped ?? 'compressed')).toEqual([
      'system-prompt',
      'below-threshold',
      'assistant-text',
      'compressed',
      'compressed',
      'protected',
      'below-threshold',
      'tool-schema',
      'tool-schema',
    ]);
  });

  it('names the problem when the format cannot be told', async () => {
    await expect(compress({ hello: 'world' }, fresh())).rejects.toThrow(InvalidRequestError);
  });
});

describe('compressText', () => {
  it('labels figures as estimates when an input is too large to count exactly', async () => {
    const huge = JSON.stringify(
      Array.from({ length: 120_000 }, (_, i) => ({ id: i, ok: i % 2 === 0 })),
      null,
      4,
    );
    expect(huge.length).toBeGreaterThan(4_000_000);
    const result = await compressText(huge, fresh());
    expect(result.tokenizer).toEqual({ encoding: 'o200k_base', estimate: true });
    expect(result.transforms[0]?.estimate).toBe(true);
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);
  });

  it('compresses a raw JSON tool output and passes other text through', async () => {
    const json = JSON.stringify(
      { items: Array.from({ length: 80 }, (_, i) => ({ id: i, name: `item ${i}` })) },
      null,
      2,
    );
    const result = await compressText(json, fresh());
    expect(JSON.parse(result.text)).toEqual(JSON.parse(json));
    expect(result.tokensAfter).toBeLessThan(result.tokensBefore);

    const prose = 'Nothing structured here. '.repeat(200);
    const passed = await compressText(prose, fresh());
    expect(passed.text).toBe(prose);
    expect(passed.transforms.map((t) => [t.name, t.skipped])).toEqual([['none', 'no-transform']]);
  });
});
