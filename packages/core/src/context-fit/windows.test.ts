import { describe, expect, it } from 'vitest';
import { contextWindowOf, parseContextWindows } from './windows.js';

describe('context windows', () => {
  it('knows the published windows, and caps GPT-5’s prompt apart', () => {
    expect(contextWindowOf('claude-sonnet-4-6')).toEqual({ tokens: 200_000 });
    expect(contextWindowOf('gpt-5-mini')).toEqual({ tokens: 400_000, maxInput: 272_000 });
    expect(contextWindowOf('gpt-4o-2024-08-06')).toEqual({ tokens: 128_000 });
    expect(contextWindowOf('models/gemini-2.5-pro')).toEqual({ tokens: 1_048_576 });
    expect(contextWindowOf('llama-3-70b')).toBeUndefined();
    expect(contextWindowOf(undefined)).toBeUndefined();
  });

  it('gives a request the 1M window its Anthropic beta asks for, and overrides win', () => {
    expect(
      contextWindowOf('claude-sonnet-4-5', { betas: 'interleaved-thinking-2025-05-14,context-1m-2025-08-07' }),
    ).toEqual({ tokens: 1_000_000 });
    expect(contextWindowOf('claude-sonnet-4-5', { overrides: { 'claude-*': 50_000 } })).toEqual({ tokens: 50_000 });
    expect(contextWindowOf('my-local-model', { overrides: { 'my-local-model': 32_768 } })).toEqual({ tokens: 32_768 });
  });

  it('reads overrides written model=tokens, with k and m', () => {
    expect(parseContextWindows('qwen3-coder=256k, llama-*=128000,big=1m')).toEqual({
      windows: { 'qwen3-coder': 256_000, 'llama-*': 128_000, big: 1_000_000 },
    });
    expect(parseContextWindows('qwen3 256k')).toEqual({ bad: 'qwen3 256k' });
  });
});
