import type { CaseResult } from '../types.js';

export interface KindSummary {
  readonly kind: string;
  readonly n: number;
  readonly savings: number;
  /** Share of cases whose facts stay in view (retained, or valid for bfcl). */
  readonly kept: number;
  /** Share of cases whose facts are in view or one retrieve call away. */
  readonly keptOrRecoverable: number;
}

/** Savings against retention, per kind of content. */
export function summarizeByKind(cases: readonly CaseResult[]): KindSummary[] {
  const groups = new Map<string, CaseResult[]>();
  for (const c of cases) groups.set(c.kind, [...(groups.get(c.kind) ?? []), c]);
  return [...groups]
    .map(([kind, list]) => {
      const before = list.reduce((a, c) => a + c.tokensBefore, 0);
      const after = list.reduce((a, c) => a + c.tokensAfter, 0);
      const kept = list.filter((c) => c.status === 'retained' || c.status === 'valid').length;
      const recoverable = list.filter((c) => c.status === 'recoverable').length;
      return {
        kind,
        n: list.length,
        savings: before ? 1 - after / before : 0,
        kept: kept / list.length,
        keptOrRecoverable: (kept + recoverable) / list.length,
      };
    })
    .sort((a, b) => (a.kind < b.kind ? -1 : 1));
}
