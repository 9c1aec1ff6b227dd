import { getTokenizer } from '@headroom/core';
import { decode } from '@toon-format/toon';
import { describe, expect, it } from 'vitest';
import { smallestLossless } from './lossless.js';

const rows = (n: number, swap = -1) =>
  Array.from({ length: n }, (_, i) =>
    i === swap ? { status: 'ok', id: i, name: `item-${i}` } : { id: i, name: `item-${i}`, status: 'ok' },
  );

describe('smallestLossless', () => {
  it('uses TOON for uniform rows, and it decodes back to exactly the minified JSON', async () => {
    const minified = JSON.stringify(rows(30));
    const out = smallestLossless(minified, await getTokenizer('gpt-4o'));
    expect(out.form).toBe('toon');
    expect(JSON.stringify(decode(out.text))).toBe(minified);
  });

  it('keeps JSON when one row lists its keys in another order (TOON would reorder them)', async () => {
    const minified = JSON.stringify(rows(30, 7));
    expect(smallestLossless(minified, await getTokenizer('gpt-4o'))).toMatchObject({ form: 'json', text: minified });
  });
});
