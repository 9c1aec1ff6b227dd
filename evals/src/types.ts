import type { ModelEndpoint } from './online/model.js';

/** How a case came out. */
export type CaseStatus = 'retained' | 'recoverable' | 'lost' | 'valid' | 'invalid';

export interface CaseResult {
  readonly id: string;
  /** What kind of content the case compressed (tool-output kind, `article`, `records`, `tools`). */
  readonly kind: string;
  readonly status: CaseStatus;
  /** Tokens of the content the suite measures (the tool result, the context, the tool schemas). */
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly ms: number;
  /** gsm8k: whether every number of the problem is still present. */
  readonly numbersKept?: boolean;
  /** Online runs: the model's score (0–1) on the request as built and as Headroom sends it. */
  readonly online?: OnlineScores;
  /** tool-qa `--no-query`: how an answer that was not visible came back, if it did. */
  readonly blind?: {
    readonly byQuestion: boolean;
    readonly byIdentifier: boolean;
    readonly retrievedTokens: number;
    readonly answerAtToken?: number;
  };
}

export interface OnlineScores {
  readonly baseline: number;
  readonly compressed: number;
  readonly baselineInputTokens: number;
  readonly compressedInputTokens: number;
}

export interface Aggregate {
  readonly n: number;
  readonly retainedRate: number;
  readonly recoverableRate: number;
  readonly lostRate: number;
  /** 1 − total tokens after / total tokens before. */
  readonly savings: number;
  readonly medianSavings: number;
  readonly numbersKeptRate?: number;
  readonly validRate?: number;
  /** tool-qa `--no-query`: shares of all cases returned by a retrieve with the question / one identifier. */
  readonly blind?: {
    readonly byQuestionRate: number;
    readonly byIdentifierRate: number;
    /** Of the cases a retrieve with the question returned, the share whose answer starts within its first 1,000 tokens. */
    readonly answerWithin1000Rate: number;
    readonly medianRetrievedTokens: number;
  };
  /** Online runs: mean scores, and the paired difference (compressed − baseline) with a 95% interval. */
  readonly online?: {
    readonly baselineScore: number;
    readonly compressedScore: number;
    readonly difference: number;
    readonly ci95: readonly [number, number];
    readonly baselineInputTokens: number;
    readonly compressedInputTokens: number;
  };
}

export interface EvalResult {
  readonly suite: SuiteName;
  readonly mode: 'offline' | 'online';
  /** tool-qa: compressed without the question (`--no-query`). */
  readonly noQuery?: boolean;
  /** Online runs: the model the cases went to. */
  readonly model?: string;
  readonly cases: readonly CaseResult[];
  readonly aggregate: Aggregate;
}

export type SuiteName = 'tool-qa' | 'squad' | 'gsm8k' | 'bfcl';

export interface SuiteOptions {
  /** Where the datasets live (GSM8K, SQuAD v2, BFCL). */
  readonly dataDir: string;
  /** tool-qa: the directory of `{id, kind, content, question, answer}` cases. */
  readonly casesDir?: string;
  readonly limit?: number;
  readonly seed?: number;
  /** When set, every case also goes to this model, as built and as compressed (online mode). */
  readonly endpoint?: ModelEndpoint;
  /** tool-qa: compress each output without its question (the agent's task says nothing about it). */
  readonly noQuery?: boolean;
  /** Called after each case, for progress display. */
  readonly onProgress?: (done: number, total: number) => void;
}
