import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMemory } from '@headroom/memory';
import { datasetsDir, rng, round, summarize, toolOutputCorpus } from './corpus.js';

const MEMORIES = 10_000;
const QUERIES = 500;

interface Fact {
  readonly sentence: string;
  readonly question: string;
}

/**
 * SQuAD v2 gives real facts and real questions about them: each answerable question's answer
 * sentence becomes a memory, and the question is the search. The articles' other sentences,
 * then lines of real tool output, fill the store to 10,000 memories as distractors.
 */
function workload(): { facts: Fact[]; filler: string[] } | undefined {
  const file = join(datasetsDir(), 'squad_v2', 'dev-v2.0-cs224n-half.json');
  if (!existsSync(file)) return undefined;
  const squad = JSON.parse(readFileSync(file, 'utf8')) as {
    data: { paragraphs: { context: string; qas: { question: string; answers: { text: string }[] }[] }[] }[];
  };
  const facts: Fact[] = [];
  const filler: string[] = [];
  for (const article of squad.data)
    for (const paragraph of article.paragraphs) {
      const sentences = paragraph.context.split(/(?<=[.!?])\s+(?=[A-Z])/);
      const used = new Set<number>();
      for (const qa of paragraph.qas) {
        const answer = qa.answers[0]?.text;
        const at = answer ? sentences.findIndex((s) => s.includes(answer)) : -1;
        if (at < 0 || used.has(at)) continue;
        used.add(at);
        facts.push({ sentence: sentences[at] as string, question: qa.question });
      }
      sentences.forEach((s, i) => {
        if (!used.has(i) && s.length > 40) filler.push(s);
      });
    }
  const lines = new Set(
    toolOutputCorpus()
      .text.split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 40 && l.length < 400),
  );
  filler.push(...lines);
  return { facts, filler };
}

/** Save throughput, search latency and whether the memory that answers a question comes back in the top 5. */
export async function runMemoryBenchmark() {
  const data = workload();
  if (!data) return { benchmark: 'memory', skipped: 'SQuAD v2 not found under the datasets directory' };
  const random = rng(7);
  const facts = data.facts.slice(0, QUERIES);
  const texts = [...facts.map((f) => f.sentence), ...data.filler].slice(0, MEMORIES);
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-memory-'));
  const memory = openMemory({ path: join(dir, 'ccr.db'), onWarning: () => {} });
  try {
    const saveMs: number[] = [];
    const outcomes = { created: 0, duplicate: 0, merged: 0 };
    const order = texts.map((t, i) => ({ t, i, r: random() })).sort((a, b) => a.r - b.r);
    const started = performance.now();
    for (const { t, i } of order) {
      const t0 = performance.now();
      const { outcome } = await memory.save({ text: t, agent: `agent-${i % 3}`, scope: 'global' });
      saveMs.push(performance.now() - t0);
      outcomes[outcome]++;
    }
    const saveWall = performance.now() - started;

    const searchMs: number[] = [];
    let top1 = 0;
    let top5 = 0;
    for (const fact of facts) {
      const t0 = performance.now();
      const hits = await memory.search(fact.question, { limit: 5 });
      searchMs.push(performance.now() - t0);
      const rank = hits.findIndex((h) => h.entry.text === fact.sentence.replace(/\s+/g, ' ').trim());
      if (rank === 0) top1++;
      if (rank >= 0) top5++;
    }
    return {
      benchmark: 'memory',
      memories: memory.count(),
      saves: { perSecond: Math.round((texts.length / saveWall) * 1000), latencyMs: summarize(saveMs), outcomes },
      search: {
        queries: facts.length,
        latencyMs: summarize(searchMs),
        answerInTop1: round(top1 / facts.length),
        answerInTop5: round(top5 / facts.length),
        ranking: 'FTS5 BM25 only (no embedder configured)',
      },
      date: new Date().toISOString().slice(0, 10),
    };
  } finally {
    memory.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
