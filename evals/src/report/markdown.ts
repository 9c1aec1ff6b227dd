import type { EvalResult } from '../types.js';
import { summarizeByKind } from './by-kind.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A report a person reads: the aggregate, savings against retention per kind, and every case. */
export function renderMarkdown(result: EvalResult, chartFile?: string): string {
  const a = result.aggregate;
  const lines = [
    `# headroom eval ${result.suite} (${result.mode}${result.noQuery ? ', without the question' : ''})`,
    '',
    `${a.n} cases. Savings ${pct(a.savings)} (median ${pct(a.medianSavings)}). ` +
      (a.validRate !== undefined
        ? `Valid ${pct(a.validRate)}.`
        : `Retained ${pct(a.retainedRate)}, recoverable ${pct(a.recoverableRate)}, lost ${pct(a.lostRate)}.`) +
      (a.numbersKeptRate !== undefined ? ` Numbers kept ${pct(a.numbersKeptRate)}.` : ''),
    '',
    ...(a.online
      ? [
          `Online (${result.model ?? 'model'}): score ${a.online.baselineScore} as built, ${a.online.compressedScore} compressed; ` +
            `paired difference ${a.online.difference} (95% CI ${a.online.ci95[0]} to ${a.online.ci95[1]}); ` +
            `input tokens billed ${a.online.baselineInputTokens} → ${a.online.compressedInputTokens}.`,
          '',
        ]
      : []),
    ...(a.blind
      ? [
          `Compressed without the question. Returned by a retrieve with the question ${pct(a.blind.byQuestionRate)}, ` +
            `with one identifier of it ${pct(a.blind.byIdentifierRate)}; answer within the first 1,000 retrieved tokens ` +
            `${pct(a.blind.answerWithin1000Rate)}; median retrieved ${a.blind.medianRetrievedTokens} tokens.`,
          '',
        ]
      : []),
    ...(chartFile ? [`![savings against retention per kind](${chartFile})`, ''] : []),
    '| kind | cases | savings | kept in view | in view or recoverable |',
    '|---|---:|---:|---:|---:|',
    ...summarizeByKind(result.cases).map(
      (k) => `| ${k.kind} | ${k.n} | ${pct(k.savings)} | ${pct(k.kept)} | ${pct(k.keptOrRecoverable)} |`,
    ),
    '',
    '| case | kind | status | tokens before | tokens after | ms |',
    '|---|---|---|---:|---:|---:|',
    ...result.cases.map(
      (c) => `| ${c.id} | ${c.kind} | ${statusOf(c)} | ${c.tokensBefore} | ${c.tokensAfter} | ${c.ms} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** A case's status; for one compressed without its question, how it came back. */
function statusOf(c: EvalResult['cases'][number]): string {
  if (!c.blind || c.status !== 'recoverable') return c.status;
  const by = [c.blind.byQuestion ? 'the question' : '', c.blind.byIdentifier ? 'one identifier' : ''].filter(Boolean);
  const at = c.blind.answerAtToken !== undefined ? `, answer at token ${c.blind.answerAtToken}` : '';
  return `recoverable (by ${by.join(' and ')}${at})`;
}
