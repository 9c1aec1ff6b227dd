import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressToolTurn } from '../agent-turn.js';
import { answerStatus } from '../check.js';
import { scorePair } from '../online/model.js';
import { squadF1 } from '../online/scores.js';
import { sample } from '../sample.js';
import type { CaseResult, SuiteOptions } from '../types.js';

interface SquadFile {
  data: {
    title: string;
    paragraphs: {
      context: string;
      qas: { id: string; question: string; answers: { text: string }[]; is_impossible?: boolean }[];
    }[];
  }[];
}

/** Paragraphs served together, so the context is large enough to be worth compressing. */
const WINDOW = 6;

interface SquadCase {
  readonly id: string;
  readonly title: string;
  readonly context: string;
  readonly question: string;
  readonly answers: readonly string[];
}

/** Answerable questions only (unanswerable ones have nothing to retain), each with its window of paragraphs. */
export function loadSquadCases(dataDir: string): SquadCase[] {
  const file = JSON.parse(readFileSync(join(dataDir, 'squad_v2', 'dev-v2.0-cs224n-half.json'), 'utf8')) as SquadFile;
  const cases: SquadCase[] = [];
  for (const article of file.data) {
    article.paragraphs.forEach((paragraph, p) => {
      const start = Math.floor(p / WINDOW) * WINDOW;
      const context = article.paragraphs
        .slice(start, start + WINDOW)
        .map((x) => x.context)
        .join('\n\n');
      for (const qa of paragraph.qas) {
        if (qa.is_impossible || qa.answers.length === 0) continue;
        cases.push({
          id: qa.id,
          title: article.title,
          context,
          question: qa.question,
          answers: qa.answers.map((a) => a.text),
        });
      }
    });
  }
  return cases;
}

/** squad: an article's paragraphs as a retrieval tool's result, the question in the user message. */
export async function runSquad(options: SuiteOptions): Promise<CaseResult[]> {
  const cases = sample(loadSquadCases(options.dataDir), options.limit, options.seed ?? 0);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const turn = await compressToolTurn({
      question: c.question,
      toolName: 'search_documents',
      toolArgs: { query: c.question, collection: c.title },
      content: c.context,
    });
    const status = await answerStatus(turn.text, c.answers, turn.store, turn.keys, c.question);
    const online = options.endpoint
      ? await scorePair(options.endpoint, turn.original, turn.compressed, (r) => squadF1(r.text, c.answers))
      : undefined;
    results.push({
      id: c.id,
      kind: 'article',
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
