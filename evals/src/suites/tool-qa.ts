import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressToolTurn } from '../agent-turn.js';
import { answerStatus } from '../check.js';
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

/**
 * tool-qa: each tool output arrives as the result of a tool call in an agent request whose user
 * message asks the case's question. Retained when the answer is still visible.
 */
export async function runToolQa(options: SuiteOptions): Promise<CaseResult[]> {
  const dir = options.casesDir ?? join(options.dataDir, 'agent_tool_outputs_dev');
  const cases = sample(loadToolQaCases(dir), options.limit, options.seed ?? 0).sort((a, b) => (a.id < b.id ? -1 : 1));
  const results: CaseResult[] = [];
  for (const c of cases) {
    const turn = await compressToolTurn({
      question: c.question,
      toolName: 'run_command',
      toolArgs: { kind: c.kind },
      content: c.content,
    });
    const status = await answerStatus(turn.text, [c.answer], turn.store, turn.keys, c.question);
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
    });
    options.onProgress?.(results.length, cases.length);
  }
  return results;
}
