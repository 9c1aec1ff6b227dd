import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTokenizer } from '@headroom/core';
import { createKompress } from '@headroom/kompress';
import { tinyModel } from '@headroom/kompress/testing';
import { datasetsDir, round, summarize } from './corpus.js';

/**
 * Kompress's own cost with a tiny model (one Gather, so the encoder costs nothing): tokenizing,
 * chunking, batching, the worker round trip and selection, per 1k and 10k tokens of real prose
 * (SQuAD v2 articles). A real encoder adds its inference time on top; see the README.
 */
export async function runKompressBenchmark() {
  const file = join(datasetsDir(), 'squad_v2', 'dev-v2.0-cs224n-half.json');
  if (!existsSync(file)) return { benchmark: 'kompress', skipped: 'SQuAD v2 not found under the datasets directory' };
  const squad = JSON.parse(readFileSync(file, 'utf8')) as { data: { paragraphs: { context: string }[] }[] };
  const paragraphs = squad.data.flatMap((a) => a.paragraphs.map((p) => p.context));
  // A realistic vocabulary: the corpus's 3,000 commonest words, every other one kept by the model.
  const counts = new Map<string, number>();
  for (const p of paragraphs)
    for (const w of p.toLowerCase().match(/[a-z]+/g) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  const common = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3000)
    .map(([w]) => w);
  const model = tinyModel(
    common.filter((_, i) => i % 2 === 1),
    common.filter((_, i) => i % 2 === 0),
  );
  const tokenizer = await getTokenizer();
  const textOf = (tokens: number) => {
    const out: string[] = [];
    let n = 0;
    for (const p of paragraphs) {
      if (n >= tokens) break;
      out.push(p);
      n += tokenizer.count(p);
    }
    return out.join('\n\n');
  };
  const kompress = createKompress({ modelDir: model.dir, deadlineMs: 60_000 });
  const context = { tokenizer, signal: new AbortController().signal };
  const rssBefore = process.memoryUsage().rss;
  const sizes = [];
  try {
    for (const target of [1_000, 10_000]) {
      const text = textOf(target);
      const tokens = tokenizer.count(text);
      const cold = performance.now();
      const first = await kompress.compress({ text, contentType: 'prose', query: '' }, context);
      const coldMs = performance.now() - cold;
      const ms: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await kompress.compress({ text, contentType: 'prose', query: '' }, context);
        ms.push(performance.now() - t0);
      }
      const warm = summarize(ms);
      sizes.push({
        tokens,
        tokensAfter: tokenizer.count(first.text),
        firstCallMs: round(coldMs, 1),
        latencyMs: warm,
        tokensPerSecond: Math.round((tokens / (warm.p50 ?? 1)) * 1000),
      });
    }
  } finally {
    await kompress.close();
  }
  return {
    benchmark: 'kompress',
    model: 'tiny test model (Gather over a 3,000-word WordPiece vocabulary): measures Kompress, not an encoder',
    sizes,
    rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
    status: kompress.status(),
    date: new Date().toISOString().slice(0, 10),
  };
}
