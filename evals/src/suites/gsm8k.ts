import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressToolTurn } from '../agent-turn.js';
import { scorePair } from '../online/model.js';
import { gsm8kExact } from '../online/scores.js';
import { sample, seededRandom } from '../sample.js';
import type { CaseResult, SuiteOptions } from '../types.js';

/** Records around the problem: an agent-sized tool result the pipeline really has to work on. */
const RECORDS = 40;
const NUMBER = /\d+(?:[.,]\d+)*/g;

export function loadGsm8k(dataDir: string): { question: string; answer: string }[] {
  return readFileSync(join(dataDir, 'gsm8k', 'test.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { question: string; answer: string });
}

/**
 * gsm8k: the problem is one record among 40 that a `list_tasks` tool returned; the user asks the
 * agent to solve that one. Kept when every number of the problem is still present.
 */
export async function runGsm8k(options: SuiteOptions): Promise<CaseResult[]> {
  const problems = loadGsm8k(options.dataDir);
  const chosen = sample(
    problems.map((p, i) => ({ ...p, index: i })),
    options.limit,
    options.seed ?? 0,
  );
  const results: CaseResult[] = [];
  for (const problem of chosen) {
    const random = seededRandom(problem.index + 1);
    const records = Array.from(
      { length: RECORDS },
      () => problems[Math.floor(random() * problems.length)] as { question: string },
    ).map((p, i) => ({
      id: `task-${1000 + i}`,
      status: i % 5 === 0 ? 'done' : 'open',
      assignee: `agent-${i % 7}`,
      problem: p.question,
    }));
    const target = Math.floor(random() * RECORDS);
    const id = `task-${1000 + target}`;
    records[target] = { id, status: 'open', assignee: 'agent-0', problem: problem.question };
    const turn = await compressToolTurn({
      question: `Solve ${id} from the task list and give the final number.`,
      toolName: 'list_tasks',
      toolArgs: { status: 'any' },
      content: JSON.stringify(records, null, 2),
    });
    const numbers = problem.question.match(NUMBER) ?? [];
    const numbersKept = numbers.every((n) => turn.text.includes(n));
    const gold = /####\s*(.+)$/m.exec(problem.answer ?? '')?.[1]?.trim() ?? '';
    const online = options.endpoint
      ? await scorePair(options.endpoint, turn.original, turn.compressed, (r) => gsm8kExact(r.text, gold))
      : undefined;
    results.push({
      id: `gsm8k-${problem.index}`,
      kind: 'records',
      status: numbersKept ? 'retained' : 'lost',
      tokensBefore: turn.tokensBefore,
      tokensAfter: turn.tokensAfter,
      ms: turn.ms,
      numbersKept,
      ...(online ? { online } : {}),
    });
    options.onProgress?.(results.length, chosen.length);
  }
  return results;
}
