import { describe, expect, it } from 'vitest';
import type { ContentType } from '../content/content-type.js';
import { contentKey } from '../hash/content-key.js';
import { parseMarkers, validateMarkers } from '../markers/marker.js';
import { getTokenizer } from '../tokenizer/tokenizer.js';
import type { Transform, TransformContext } from '../transform/transform.js';

/** One input the suite feeds the transform. */
export interface ConformanceCase {
  readonly name: string;
  readonly text: string;
  readonly query?: string;
  /** Strings that must appear verbatim in the output (errors, summaries, query matches, …). */
  readonly mustKeep?: readonly string[];
}

export interface ConformanceOptions {
  /** Makes a fresh transform; called more than once to prove output never depends on instance state. */
  readonly create: () => Transform;
  readonly cases: readonly ConformanceCase[];
  /** The content type the cases are given as. Defaults to the transform's first type. */
  readonly contentType?: ContentType;
  /**
   * Folder for golden outputs (one file per case). Goldens are written by an earlier process,
   * so matching them proves the output is byte-identical across runs and processes.
   */
  readonly goldenDir?: string;
}

/** Odd inputs every transform must survive unchanged or compressed, never throwing. */
const HOSTILE_CASES: readonly ConformanceCase[] = [
  { name: 'empty', text: '' },
  { name: 'whitespace only', text: ' \n\t\n  ' },
  { name: 'binary bytes', text: String.fromCharCode(...Array.from({ length: 512 }, (_, i) => (i * 37) % 256)) },
  { name: 'one huge line', text: `${'x'.repeat(200_000)} end` },
  {
    name: 'every Unicode plane',
    text: 'ascii é ß 日本語 한국어 😀 𝄞 𠀀 \u{E0001} \u{F0000} \u{10FFFF} \uD800 lone\n'.repeat(50),
  },
  {
    name: 'existing markers',
    text: `before\n[… 12 of 40 lines omitted · headroom:0123456789abcdef01234567 …]\nafter\n[… 3 of 9 rows omitted …]\n`,
    mustKeep: ['[… 12 of 40 lines omitted · headroom:0123456789abcdef01234567 …]', '[… 3 of 9 rows omitted …]'],
  },
];

/**
 * The contract every transform runs: never worse, deterministic (across instances, runs and
 * processes), idempotent, must-keep content kept, markers well-formed and never nested, keys
 * only when a retrieval path exists, and no throw on hostile input.
 *
 * @example
 * import { runTransformConformance } from '@headroom/core/testing'
 * runTransformConformance({ create: createJsonMinify, cases: [{ name: 'github issues', text }] })
 */
export function runTransformConformance(options: ConformanceOptions): void {
  const sample = options.create();
  const contentType = options.contentType ?? sample.contentTypes[0] ?? 'text';

  const run = async (transform: Transform, text: string, query: string, retrievalKey?: string) => {
    const context: TransformContext = {
      tokenizer: await getTokenizer(),
      signal: new AbortController().signal,
      ...(retrievalKey ? { retrievalKey } : {}),
    };
    const result = await transform.compress({ text, contentType, query }, context);
    return result.text;
  };

  describe(`${sample.name} conformance`, () => {
    for (const c of [...options.cases, ...HOSTILE_CASES]) {
      const query = c.query ?? '';
      describe(c.name, () => {
        it('is never worse', async () => {
          const tokenizer = await getTokenizer();
          const out = await run(options.create(), c.text, query);
          expect(tokenizer.count(out)).toBeLessThanOrEqual(tokenizer.count(c.text));
        });

        it('is deterministic across instances and runs', async () => {
          const first = await run(options.create(), c.text, query);
          const second = await run(options.create(), c.text, query);
          const reused = options.create();
          await run(reused, `${c.text}\nsomething else entirely`, 'other query');
          expect(second).toBe(first);
          expect(await run(reused, c.text, query)).toBe(first);
        });

        it('is idempotent', async () => {
          const once = await run(options.create(), c.text, query);
          expect(await run(options.create(), once, query)).toBe(once);
        });

        it('keeps must-keep content and existing markers verbatim', async () => {
          const out = await run(options.create(), c.text, query);
          for (const keep of c.mustKeep ?? []) expect(out).toContain(keep);
          for (const marker of parseMarkers(c.text)) expect(out).toContain(marker.raw);
        });

        it('writes well-formed markers, with keys only when retrieval exists', async () => {
          const key = contentKey(c.text);
          const withKey = await run(options.create(), c.text, query, key);
          const withoutKey = await run(options.create(), c.text, query);
          expect(ownProblems(withKey, c.text)).toEqual([]);
          expect(ownProblems(withoutKey, c.text)).toEqual([]);
          const inherited = new Set(parseMarkers(c.text).map((m) => m.raw));
          const added = (text: string) => parseMarkers(text).filter((m) => !inherited.has(m.raw));
          for (const m of added(withKey)) expect(m.key).toBe(key);
          for (const m of added(withoutKey)) expect(m.key).toBeUndefined();
        });

        if (options.goldenDir && options.cases.includes(c)) {
          it('matches its golden output (byte-identical across processes)', async () => {
            const out = await run(options.create(), c.text, query);
            await expect(out).toMatchFileSnapshot(`${options.goldenDir}/${slug(c.name)}.txt`);
          });
        }
      });
    }
  });
}

/** Marker problems in `out` that were not already in the input (text that merely quotes a broken marker). */
function ownProblems(out: string, input: string): string[] {
  return validateMarkers(out).filter((problem) => {
    const offset = Number(/offset (\d+)/.exec(problem)?.[1] ?? -1);
    return offset < 0 || !input.includes(out.slice(offset, offset + 40));
  });
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
