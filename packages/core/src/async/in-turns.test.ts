import { describe, expect, it } from 'vitest';
import { contentKey, contentKeyInTurns } from '../hash/content-key.js';
import { sha256Hex, sha256HexInTurns } from '../hash/sha256.js';
import { parseJsonInTurns } from '../request/json-in-turns.js';
import { getTokenizer, measureTokens, measureTokensInTurns } from '../tokenizer/tokenizer.js';
import { decodeUtf8InTurns } from './decode-in-turns.js';

/** Runs `work` while counting turns of the event loop: work done in slices lets them through. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  running = false;
  return { value, turns };
}

/** A log of `lines` lines with some non-ASCII text, escapes and astral characters in it. */
function log(lines: number): string {
  return Array.from(
    { length: lines },
    (_, i) =>
      `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z INFO job ${i} "quoted" \\path\\ é ${i % 97 ? '' : '😀'}`,
  ).join('\n');
}

describe('work in turns gives the same result as at once', () => {
  const text = log(60_000); // about 4 MB

  it('decodes UTF-8 with characters and a byte-order mark split across slices', async () => {
    const bytes = new TextEncoder().encode(`\uFEFF${text}\uFEFF`);
    const { value, turns } = await turnsDuring(() => decodeUtf8InTurns(bytes));
    expect(value).toBe(new TextDecoder().decode(bytes));
    expect(turns).toBeGreaterThan(2);
  });

  it('decodes invalid UTF-8 the way one decode does', async () => {
    const bytes = new TextEncoder().encode(text);
    for (const at of [1024 * 1024 - 1, 1024 * 1024, 2 * 1024 * 1024 + 1]) bytes[at] = 0xc3; // lead bytes without their continuation
    bytes.fill(0x80, 3 * 1024 * 1024 - 5, 3 * 1024 * 1024 + 5); // a run of lone continuation bytes
    expect(await decodeUtf8InTurns(bytes)).toBe(new TextDecoder().decode(bytes));
  });

  it('hashes to the same digest and key, surrogate pairs at slice edges included', async () => {
    const astral = '😀'.repeat(1_500_000); // 3 M UTF-16 units: pairs straddle every slice edge
    expect(await sha256HexInTurns(astral)).toBe(sha256Hex(astral));
    expect(await contentKeyInTurns(text)).toBe(contentKey(text));
    const lone = `${text}\ud800${text}`;
    expect(await contentKeyInTurns(lone)).toBe(contentKey(lone));
  });

  it('counts the same tokens as one pass, and samples the same way past the exact limit', async () => {
    const tokenizer = await getTokenizer('gpt-4o');
    // The one-pass figures first: counted in slices afterwards, nothing is a remembered whole.
    const whole = measureTokens(tokenizer, text);
    const huge = text.repeat(2);
    const sampled = measureTokens(tokenizer, huge);
    const { value, turns } = await turnsDuring(() => measureTokensInTurns(tokenizer, text));
    expect(value).toEqual(whole);
    expect(turns).toBeGreaterThan(10);
    expect(await measureTokensInTurns(tokenizer, huge)).toEqual(sampled);
  });

  it('hands the exact total of a text counted in slices to the tokenizer to remember', async () => {
    const real = await getTokenizer('gpt-4o');
    const remembered: [number, number][] = [];
    const tokenizer = {
      encoding: real.encoding,
      estimate: false,
      count: (t: string) => real.count(t),
      remember: (t: string, n: number) => remembered.push([t.length, n]),
    };
    const slice = text.slice(0, 200_000);
    const { tokens } = await measureTokensInTurns(tokenizer, slice);
    expect(remembered).toEqual([[slice.length, tokens]]);
    await measureTokensInTurns(tokenizer, text.repeat(2)); // sampled: an estimate is never remembered
    expect(remembered).toHaveLength(1);
  });

  it('parses a request with multi-megabyte strings to what JSON.parse gives', async () => {
    const body = JSON.stringify({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'tool', tool_call_id: 'a', content: text },
        { role: 'tool', tool_call_id: 'b', content: `"${'\\'.repeat(5)}\u0001\u2028${'x'.repeat(300_000)}` },
      ],
      ['k'.repeat(300_000)]: 'a key this long stays in the document',
      // computed on purpose: `__proto__: …` would set the prototype; JSON.parse keeps it as an own property
      ['__proto__']: { content: text.slice(0, 300_000) },
    });
    const { value, turns } = await turnsDuring(() => parseJsonInTurns(body));
    expect(value).toEqual(JSON.parse(body));
    expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
    expect(turns).toBeGreaterThan(2);
  });

  it('cuts between escapes at every offset around a slice edge', async () => {
    for (const sequence of ['\\n', '\\\\', '\\"', '\\u00e9', '\\ud83d\\ude00']) {
      for (let shift = 0; shift < 12; shift++) {
        const literal = `"${'a'.repeat(1024 * 1024 - shift)}${sequence.repeat(4)}${'b'.repeat(10)}"`;
        const body = `{"content":${literal}}`;
        expect(await parseJsonInTurns(body)).toEqual(JSON.parse(body));
      }
    }
  });

  it('throws JSON.parse’s error on invalid JSON', async () => {
    const big = JSON.stringify({ content: text });
    for (const bad of [
      big.slice(0, -1),
      `${big}x`,
      big.replace('job 7 ', 'job 7 \u0001'),
      big.replace('job 7 ', 'job 7 \\x'),
    ]) {
      await expect(parseJsonInTurns(bad)).rejects.toThrow(SyntaxError);
    }
  });
});
