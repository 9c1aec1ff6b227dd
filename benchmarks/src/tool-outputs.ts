import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createMemoryStore, retrieve } from '@headroom/ccr';
import {
  type CompressTextResult,
  FirstSightCache,
  getTokenizer,
  queryAnchors,
  scanJson,
  type Tokenizer,
} from '@headroom/core';
import { compressText, detectContentType } from '@headroom/crushers';
import { encode as toonEncode } from '@toon-format/toon';
import { encode as gptEncode } from 'gpt-tokenizer/encoding/o200k_base';
import { datasetsDir, round } from './corpus.js';

interface Case {
  readonly id: string;
  readonly kind: string;
  readonly content: string;
  readonly question: string;
  readonly answer: string;
}

type Outcome = 'visible' | 'recoverable' | 'lost';

const collapse = (s: string) => s.replace(/\s+/g, ' ');
const visible = (text: string, answer: string) => collapse(text).includes(collapse(answer));

/** Outputs captured on a real machine with their questions (see evals/data/tool-outputs-captured/PROVENANCE.md). */
const CAPTURED = resolve(import.meta.dirname, '../../evals/data/tool-outputs-captured');

/** Cases with a question whose answer appears verbatim in the content: the shared dev set and the captured outputs. */
export function loadToolOutputCases(): Case[] {
  return [join(datasetsDir(), 'agent_tool_outputs_dev'), CAPTURED].flatMap((dir) =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Case)
      : [],
  );
}

/** Head and tail lines of `text` within `budget` tokens: the naive truncation peers ship. */
function headTail(text: string, budget: number, tokenizer: Tokenizer): string {
  const lines = text.split('\n');
  const head: string[] = [];
  const tail: string[] = [];
  let used = 0;
  for (let i = 0, j = lines.length - 1; i <= j; ) {
    const line = (head.length <= tail.length ? lines[i] : lines[j]) as string;
    const cost = tokenizer.count(line) + 1;
    if (used + cost > budget) break;
    used += cost;
    if (head.length <= tail.length) head.push(lines[i++] as string);
    else tail.unshift(lines[j--] as string);
  }
  return [...head, '…', ...tail].join('\n');
}

function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  return fn().then((r) => [r, performance.now() - started]);
}

export async function runToolOutputsBenchmark() {
  const tokenizer = await getTokenizer();
  const rows = [];
  for (const c of loadToolOutputCases()) {
    const encodeStarted = performance.now();
    gptEncode(c.content, { disallowedSpecial: new Set() });
    const encodeMs = performance.now() - encodeStarted;

    // Cold: nothing remembered from one case to the next, and the first run of a case pays for
    // counting its input (the tokenizer remembers counts, so the second run would not).
    const store = createMemoryStore();
    const [noQuery, msNoQuery] = await timed(() =>
      compressText(c.content, { store, firstSight: new FirstSightCache() }),
    );
    const [withQuery, msWithQuery] = await timed(() =>
      compressText(c.content, { query: c.question, store, firstSight: new FirstSightCache() }),
    );
    const tokensBefore = noQuery.tokensBefore;
    const outcome = async (result: CompressTextResult, query = c.question): Promise<Outcome> => {
      if (visible(result.text, c.answer)) return 'visible';
      for (const key of result.ccrKeys) {
        const back = await retrieve(store, key, { query });
        if (visible(back.text, c.answer)) return 'recoverable';
      }
      return 'lost';
    };
    // What a model would most likely ask for by itself: the question's longest identifier.
    const identifier = queryAnchors(c.question)[0] ?? c.question;

    const scan = scanJson(c.content);
    const minified = scan.ok ? scan.minified : undefined;
    let toon: string | undefined;
    if (scan.ok && scan.documents === 1) toon = toonEncode(JSON.parse(c.content));
    const truncated = headTail(c.content, noQuery.tokensAfter, tokenizer);

    rows.push({
      id: c.id,
      kind: c.kind,
      contentType: detectContentType(c.content),
      tokensBefore,
      headroomWithQuery: {
        tokens: withQuery.tokensAfter,
        saving: round(1 - withQuery.tokensAfter / tokensBefore),
        answer: await outcome(withQuery),
        ms: round(msWithQuery, 1),
      },
      headroomNoQuery: {
        tokens: noQuery.tokensAfter,
        saving: round(1 - noQuery.tokensAfter / tokensBefore),
        answer: await outcome(noQuery),
        answerByIdentifier: await outcome(noQuery, identifier),
        ms: round(msNoQuery, 1),
      },
      costVsOneEncode: round(msNoQuery / encodeMs, 2),
      peers: {
        minifiedJson: minified === undefined ? null : tokenizer.count(minified),
        toon: toon === undefined ? null : tokenizer.count(toon),
        headTailSameBudget: {
          tokens: tokenizer.count(truncated),
          answer: visible(truncated, c.answer) ? 'visible' : 'lost',
        },
      },
    });
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 0) return 0;
    const lo = s[Math.floor((s.length - 1) / 2)] as number;
    const hi = s[Math.ceil((s.length - 1) / 2)] as number;
    return (lo + hi) / 2;
  };
  const big = rows.filter((r) => r.tokensBefore > 5000);
  return {
    benchmark: 'tool-outputs',
    dataset: 'agent_tool_outputs_dev + evals/data/tool-outputs-captured',
    cases: rows.length,
    summary: {
      casesOver5000Tokens: big.length,
      medianSavingWithQuery: round(median(big.map((r) => r.headroomWithQuery.saving))),
      medianSavingNoQuery: round(median(big.map((r) => r.headroomNoQuery.saving))),
      answersVisibleWithQuery: rows.filter((r) => r.headroomWithQuery.answer === 'visible').length,
      answersVisibleNoQuery: rows.filter((r) => r.headroomNoQuery.answer === 'visible').length,
      answersRecoverableNoQuery: rows.filter((r) => r.headroomNoQuery.answer === 'recoverable').length,
      answersLostNoQuery: rows.filter((r) => r.headroomNoQuery.answer === 'lost').length,
      answersLostNoQueryByIdentifier: rows.filter((r) => r.headroomNoQuery.answerByIdentifier === 'lost').length,
      answersVisibleHeadTail: rows.filter((r) => r.peers.headTailSameBudget.answer === 'visible').length,
      largerThanInput: rows.filter(
        (r) => r.headroomNoQuery.tokens > r.tokensBefore || r.headroomWithQuery.tokens > r.tokensBefore,
      ).length,
      medianCostVsOneEncode: round(median(rows.map((r) => r.costVsOneEncode)), 2),
    },
    rows,
  };
}
