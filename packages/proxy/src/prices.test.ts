import { describe, expect, it } from 'vitest';
import { inputPrice } from './prices.js';

describe('inputPrice', () => {
  it('prices by the longest matching model prefix, and leaves unknown models unpriced', () => {
    expect(inputPrice('claude-sonnet-4-5-20250929')).toBe(3 / 1e6);
    expect(inputPrice('gpt-4o-mini-2024-07-18')).toBe(0.15 / 1e6);
    expect(inputPrice('gpt-4o')).toBe(2.5 / 1e6);
    expect(inputPrice('openai/gpt-5-mini')).toBe(0.25 / 1e6);
    expect(inputPrice('llama-3.1-70b')).toBeUndefined();
    expect(inputPrice(undefined)).toBeUndefined();
  });
});
