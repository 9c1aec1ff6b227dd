import { pairedDifference } from './online/scores.js';
import type { Aggregate, CaseResult } from './types.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const lo = s[Math.floor((s.length - 1) / 2)] as number;
  const hi = s[Math.ceil((s.length - 1) / 2)] as number;
  return (lo + hi) / 2;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The aggregate every suite reports; rates are fractions 0–1. */
export function aggregate(cases: readonly CaseResult[]): Aggregate {
  const n = cases.length;
  const share = (pred: (c: CaseResult) => boolean) => (n ? round(cases.filter(pred).length / n) : 0);
  const before = cases.reduce((a, c) => a + c.tokensBefore, 0);
  const after = cases.reduce((a, c) => a + c.tokensAfter, 0);
  const withNumbers = cases.filter((c) => c.numbersKept !== undefined);
  const graded = cases.filter((c) => c.status === 'valid' || c.status === 'invalid');
  return {
    n,
    retainedRate: share((c) => c.status === 'retained'),
    recoverableRate: share((c) => c.status === 'recoverable'),
    lostRate: share((c) => c.status === 'lost'),
    savings: before ? round(1 - after / before) : 0,
    medianSavings: round(median(cases.map((c) => (c.tokensBefore ? 1 - c.tokensAfter / c.tokensBefore : 0)))),
    ...(withNumbers.length
      ? { numbersKeptRate: round(withNumbers.filter((c) => c.numbersKept).length / withNumbers.length) }
      : {}),
    ...(graded.length ? { validRate: round(graded.filter((c) => c.status === 'valid').length / graded.length) } : {}),
    ...onlineAggregate(cases),
    ...blindAggregate(cases),
  };
}

function blindAggregate(cases: readonly CaseResult[]): Pick<Aggregate, 'blind'> {
  const blind = cases.flatMap((c) => (c.blind ? [c.blind] : []));
  if (blind.length === 0) return {};
  const byQuestion = blind.filter((b) => b.byQuestion);
  return {
    blind: {
      byQuestionRate: round(byQuestion.length / cases.length),
      byIdentifierRate: round(blind.filter((b) => b.byIdentifier).length / cases.length),
      answerWithin1000Rate: byQuestion.length
        ? round(byQuestion.filter((b) => (b.answerAtToken ?? Infinity) < 1000).length / byQuestion.length)
        : 1,
      medianRetrievedTokens: median(blind.filter((b) => b.retrievedTokens > 0).map((b) => b.retrievedTokens)),
    },
  };
}

function onlineAggregate(cases: readonly CaseResult[]): Pick<Aggregate, 'online'> {
  const scored = cases.flatMap((c) => (c.online ? [c.online] : []));
  if (scored.length === 0) return {};
  const baseline = scored.map((o) => o.baseline);
  const compressed = scored.map((o) => o.compressed);
  const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const { mean: difference, ci95 } = pairedDifference(baseline, compressed);
  return {
    online: {
      baselineScore: mean(baseline),
      compressedScore: mean(compressed),
      difference,
      ci95,
      baselineInputTokens: scored.reduce((a, o) => a + o.baselineInputTokens, 0),
      compressedInputTokens: scored.reduce((a, o) => a + o.compressedInputTokens, 0),
    },
  };
}
