import { describe, expect, it } from 'vitest';
import { EXACT_COUNT_LIMIT, encodingForModel, getTokenizer, measureTokens } from './tokenizer.js';

describe('encodingForModel', () => {
  it.each([
    [undefined, 'o200k_base', false],
    ['gpt-4o-mini', 'o200k_base', false],
    ['gpt-4.1', 'o200k_base', false],
    ['gpt-5', 'o200k_base', false],
    ['o3-mini', 'o200k_base', false],
    ['gpt-4', 'cl100k_base', false],
    ['gpt-4-turbo-2024-04-09', 'cl100k_base', false],
    ['gpt-3.5-turbo', 'cl100k_base', false],
    ['openai/gpt-4', 'cl100k_base', false],
    ['claude-sonnet-4-5', 'o200k_base', true],
    ['us.anthropic.claude-3-5-haiku', 'o200k_base', true],
  ])('%s → %s (estimate %s)', (model, encoding, estimate) => {
    expect(encodingForModel(model)).toEqual({ encoding, estimate });
  });
});

describe('getTokenizer', () => {
  it('counts with the real vocabularies, special-token text included', async () => {
    const o200k = await getTokenizer('gpt-4o');
    const cl100k = await getTokenizer('gpt-4');
    expect(o200k.count('hello world')).toBe(2);
    expect(cl100k.count('hello world')).toBe(2);
    expect(o200k.count('hello <|endoftext|> world')).toBe(9);
    expect(o200k.count('')).toBe(0);
  });

  it('counts unbroken runs in bounded time and within a token per slice', async () => {
    const tokenizer = await getTokenizer();
    const blob = 'x'.repeat(200_000);
    expect(tokenizer.count(blob)).toBe(25_000); // 8 x's per token, exactly as an unsliced count gives
    const mixed = `start ${'ab'.repeat(3000)} end`;
    expect(Math.abs(tokenizer.count(mixed) - 1503)).toBeLessThanOrEqual(6);
  });

  it('labels Claude counts as estimates', async () => {
    const tokenizer = await getTokenizer('claude-opus-4');
    expect({ encoding: tokenizer.encoding, estimate: tokenizer.estimate }).toEqual({
      encoding: 'o200k_base',
      estimate: true,
    });
  });

  it('returns the same instance per encoding, so its memo is shared', async () => {
    expect(await getTokenizer('gpt-4o')).toBe(await getTokenizer('gpt-5'));
  });

  it('gives the same count for a memoised string as for a fresh one', async () => {
    const tokenizer = await getTokenizer();
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(100);
    const first = tokenizer.count(text);
    expect(tokenizer.count(text)).toBe(first);
    expect(tokenizer.count(`${text} `.slice(0, -1))).toBe(first);
  });
});

describe('measureTokens', () => {
  it('counts exactly up to the limit and estimates, labelled, beyond it', async () => {
    const tokenizer = await getTokenizer();
    const line = '2024-05-01T10:00:00Z INFO worker handled job in 12ms and returned status ok\n';
    const small = line.repeat(1000);
    expect(measureTokens(tokenizer, small)).toEqual({ tokens: tokenizer.count(small), estimate: false });
    const big = line.repeat(Math.ceil((EXACT_COUNT_LIMIT + 1) / line.length));
    const measured = measureTokens(tokenizer, big);
    expect(measured.estimate).toBe(true);
    const exact = tokenizer.count(small) * (big.length / small.length);
    expect(Math.abs(measured.tokens - exact) / exact).toBeLessThan(0.02);
  });
});
