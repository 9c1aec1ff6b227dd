/** SQuAD's answer normalisation: lowercase, no punctuation, no articles, single spaces. */
function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** SQuAD F1 of a reply against the best of the gold answers. */
export function squadF1(reply: string, answers: readonly string[]): number {
  const predicted = normalize(reply).split(' ').filter(Boolean);
  let best = 0;
  for (const answer of answers) {
    const gold = normalize(answer).split(' ').filter(Boolean);
    const counts = new Map<string, number>();
    for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
    let common = 0;
    for (const t of predicted) {
      const c = counts.get(t) ?? 0;
      if (c > 0) {
        common++;
        counts.set(t, c - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / predicted.length;
    const recall = common / gold.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}

/** GSM8K: the last number in the reply equals the gold answer (commas and a trailing .0 ignored). */
export function gsm8kExact(reply: string, gold: string): number {
  const numbers = reply.replace(/,/g, '').match(/-?\d+(\.\d+)?/g);
  const last = numbers?.at(-1);
  return last !== undefined && Number(last) === Number(gold.replace(/,/g, '')) ? 1 : 0;
}

/** tool-qa: the reply contains the answer (whitespace-insensitive). */
export function answerContained(reply: string, answer: string): number {
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
  return squash(reply).includes(squash(answer)) ? 1 : 0;
}

/**
 * BFCL's AST match: every gold call is made with the same function name, each parameter taking
 * one of its acceptable values ("" or null allow leaving it out), and no unknown parameters.
 */
export function bfclAstMatch(
  calls: readonly { name: string; arguments: string }[],
  gold: readonly Record<string, Record<string, unknown[]>>[],
): number {
  if (calls.length !== gold.length) return 0;
  const remaining = [...calls];
  for (const call of gold) {
    const [name, params] = Object.entries(call)[0] as [string, Record<string, unknown[]>];
    const index = remaining.findIndex((c) => c.name === name && argumentsMatch(c.arguments, params));
    if (index < 0) return 0;
    remaining.splice(index, 1);
  }
  return 1;
}

function argumentsMatch(json: string, params: Record<string, unknown[]>): boolean {
  let args: Record<string, unknown>;
  try {
    args = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (Object.keys(args).some((k) => !(k in params))) return false;
  return Object.entries(params).every(([param, allowed]) =>
    param in args
      ? allowed.some((v) => JSON.stringify(v) === JSON.stringify(args[param]))
      : allowed.some((v) => v === '' || v === null),
  );
}

/** Mean of paired differences (compressed − baseline) with a normal-approximation 95% interval. */
export function pairedDifference(
  baseline: readonly number[],
  compressed: readonly number[],
): { mean: number; ci95: [number, number] } {
  const n = Math.min(baseline.length, compressed.length);
  if (n === 0) return { mean: 0, ci95: [0, 0] };
  const d = Array.from({ length: n }, (_, i) => (compressed[i] as number) - (baseline[i] as number));
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const half = 1.96 * Math.sqrt(variance / n);
  const r = (x: number) => Math.round(x * 10_000) / 10_000;
  return { mean: r(mean), ci95: [r(mean - half), r(mean + half)] };
}
