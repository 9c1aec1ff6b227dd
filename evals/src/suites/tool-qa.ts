import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressToolTurn } from '../agent-turn.js';
import { answerStatus, blindStatus } from '../check.js';
import { scorePair } from '../online/model.js';
import { answerContained } from '../online/scores.js';
import { sample } from '../sample.js';
import type { CaseResult, SuiteOptions } from '../types.js';

interface ToolQaCase {
  readonly id: string;
  readonly kind: string;
  readonly content: string;
  readonly question: string;
  readonly answer: string;
}

/** Reads every `{id, kind, content, question, answer}` JSON file in a directory. */
export function loadToolQaCases(dir: string): ToolQaCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ToolQaCase)
    .filter((c) => typeof c.content === 'string' && typeof c.answer === 'string' && typeof c.question === 'string');
}

/** Outputs captured on a real machine by `data/capture-tool-outputs.mjs`, beside the shared dev set. */
const CAPTURED = ['../data/tool-outputs-captured', '../../data/tool-outputs-captured']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(dir));

/** The user's words in `--no-query` runs: a task that says nothing about what the output will be asked. */
const BLIND_TASK = 'Carry on with the task.';

/**
 * tool-qa: each tool output arrives as the result of a tool call in an agent request whose user
 * message asks the case's question. Retained when the answer is still visible. With `noQuery`, the
 * user message says nothing about the question (as when an agent reads an output before it knows
 * what it will need from it): what stays visible is chosen blind, and the rest must come back
 * through a retrieve.
 */
export async function runToolQa(options: SuiteOptions): Promise<CaseResult[]> {
  const dirs = options.casesDir
    ? [options.casesDir]
    : [join(options.dataDir, 'agent_tool_outputs_dev'), ...(CAPTURED ? [CAPTURED] : [])];
  const all = dirs.flatMap((dir) => (existsSync(dir) ? loadToolQaCases(dir) : []));
  const cases = sample(all, options.limit, options.seed ?? 0).sort((a, b) => (a.id < b.id ? -1 : 1));
  const results: CaseResult[] = [];
  for (const c of cases) {
    const turn = await compressToolTurn({
      question: options.noQuery ? BLIND_TASK : c.question,
      toolName: 'run_command',
      toolArgs: { kind: c.kind },
      content: c.content,
    });
    const blind = options.noQuery
      ? await blindStatus(turn.text, c.answer, turn.store, turn.keys, c.question)
      : undefined;
    const status = blind?.status ?? (await answerStatus(turn.text, [c.answer], turn.store, turn.keys, c.question));
    const online = options.endpoint
      ? await scorePair(options.endpoint, turn.original, turn.compressed, (r) => answerContained(r.text, c.answer))
      : undefined;
    results.push({
      id: c.id,
      kind: c.kind,
      status,
      tokensBefore: turn.tokensBefore,
      tokensAfter: turn.tokensAfter,
      ms: turn.ms,
      ...(online ? { online } : {}),
      ...(blind
        ? {
            blind: {
              byQuestion: blind.byQuestion,
              byIdentifier: blind.byIdentifier,
              retrievedTokens: blind.retrievedTokens,
              ...(blind.answerAtToken !== undefined ? { answerAtToken: blind.answerAtToken } : {}),
            },
          }
        : {}),
    });
    options.onProgress?.(results.length, cases.length);
  }
  return results;
}
