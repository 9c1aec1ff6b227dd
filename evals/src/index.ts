// @headroom/evals — suites and scoring against the assembled pipeline (never the CLI).
import { aggregate } from './aggregate.js';
import { runBfcl } from './suites/bfcl.js';
import { runGsm8k } from './suites/gsm8k.js';
import { runSquad } from './suites/squad.js';
import { runToolQa } from './suites/tool-qa.js';
import type { CaseResult, EvalResult, SuiteName, SuiteOptions } from './types.js';

export { checkFloors } from './floors.js';
export { complete, endpointFromEnv, type ModelEndpoint, type ModelReply } from './online/model.js';
export { renderChart } from './report/chart.js';
export { renderMarkdown } from './report/markdown.js';
export type { Aggregate, CaseResult, CaseStatus, EvalResult, SuiteName, SuiteOptions } from './types.js';

const SUITES: Record<SuiteName, (options: SuiteOptions) => Promise<CaseResult[]>> = {
  'tool-qa': runToolQa,
  squad: runSquad,
  gsm8k: runGsm8k,
  bfcl: runBfcl,
};

export const SUITE_NAMES = Object.keys(SUITES) as SuiteName[];

/**
 * Runs one suite offline: exact, model-free checks of what the compressed request still shows.
 *
 * @example
 * const result = await runSuite('tool-qa', { dataDir: '../shared/datasets', limit: 20, seed: 1 })
 * console.log(result.aggregate.retainedRate, result.aggregate.medianSavings)
 */
export async function runSuite(suite: SuiteName, options: SuiteOptions): Promise<EvalResult> {
  const cases = await SUITES[suite](options);
  // Key order is part of the --json contract: suite, mode, cases, aggregate.
  const blind = options.noQuery ? { noQuery: true } : {};
  return options.endpoint
    ? { suite, mode: 'online', ...blind, cases, aggregate: aggregate(cases), model: options.endpoint.model }
    : { suite, mode: 'offline', ...blind, cases, aggregate: aggregate(cases) };
}
