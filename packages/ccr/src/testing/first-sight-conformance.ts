import type { FirstSightMemory } from '@headroom/core';
import { describe, expect, it } from 'vitest';

/** Two handles on one fresh, empty memory (as two processes would open it); the suite closes both. */
export type FirstSightFactory = () => Promise<{
  readonly a: FirstSightMemory;
  readonly b: FirstSightMemory;
  close(): Promise<void>;
}>;

/**
 * The contract of every shared first-sight memory: exact forms back (markers, Unicode, lone
 * surrogates, the skip reason and the delegate), the first set wins and says so, and a second
 * handle — another process — sees the same, including when both race on one key.
 */
export function runFirstSightConformance(name: string, open: FirstSightFactory): void {
  const withMemory = async (fn: (a: FirstSightMemory, b: FirstSightMemory) => Promise<void>) => {
    const { a, b, close } = await open();
    try {
      await fn(a, b);
    } finally {
      await close();
    }
  };

  describe(`${name} first-sight conformance`, () => {
    it('gives back every form exactly, with its skip reason and delegate', async () => {
      await withMemory(async (a) => {
        const forms = [
          { text: 'line 1\n[… 398 of 400 lines omitted · headroom:0123456789abcdef01234567 …]\nline 400' },
          { text: 'é 日本語 😀 \u0000 a\uD800b end', via: 'prose-crusher' },
          { text: 'left as it was', skipped: 'deadline' as const },
          { text: '' },
        ];
        for (const [i, form] of forms.entries()) expect(await a.set(`k${i}`, form)).toBeOneOf([undefined, form]);
        for (const [i, form] of forms.entries()) expect(await a.get(`k${i}`)).toEqual(form);
        expect(await a.get('unknown')).toBeUndefined();
      });
    });

    it('keeps the first form of a key and returns it to a later set', async () => {
      await withMemory(async (a, b) => {
        await a.set('k', { text: 'first' });
        expect(await a.set('k', { text: 'second' })).toEqual({ text: 'first' });
        expect(await b.set('k', { text: 'third' })).toEqual({ text: 'first' });
        expect(await b.get('k')).toEqual({ text: 'first' });
      });
    });

    it('agrees on one form when two handles race on the same keys', async () => {
      await withMemory(async (a, b) => {
        const keys = Array.from({ length: 50 }, (_, i) => `race-${i}`);
        const results = await Promise.all(
          keys.flatMap((k) => [
            Promise.resolve(a.set(k, { text: `a:${k}` })).then((kept) => kept ?? { text: `a:${k}` }),
            Promise.resolve(b.set(k, { text: `b:${k}` })).then((kept) => kept ?? { text: `b:${k}` }),
          ]),
        );
        for (let i = 0; i < keys.length; i++) {
          const [fromA, fromB] = [results[2 * i], results[2 * i + 1]];
          expect(fromA).toEqual(fromB);
          expect(await a.get(keys[i] as string)).toEqual(fromA);
        }
      });
    });
  });
}
