import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMemoryStore } from '@headroom/ccr';
import { type ContentType, contentKey, FirstSightCache, getTokenizer, scanJson } from '@headroom/core';
import { compress, compressText, createJsonCrusher, detectContentType } from '@headroom/crushers';
import { encode as toonEncode } from '@toon-format/toon';
import { datasetsDir, round } from './corpus.js';
import { missingMustKeep } from './must-keep.js';
import { type Trajectory, trajectoryMessages } from './trajectories.js';

interface Row {
  dataset: string;
  name: string;
  contentType: ContentType | 'request';
  tokensBefore: number;
  tokensAfter: number;
  saving: number;
  ms: number;
  /** JSON inputs only: our lossless form beside minified JSON and TOON. */
  lossless?: { headroom: number; minified: number; toon: number | null };
  /** Requests only: must-keep items (see must-keep.ts) the compressed request no longer shows. */
  mustKeepMissing?: string[];
}

const files = (dir: string, ext: string) =>
  existsSync(dir) && statSync(dir).isDirectory()
    ? readdirSync(dir)
        .filter((f) => f.endsWith(ext))
        .sort()
    : [];

async function rawRow(dataset: string, name: string, text: string): Promise<Row> {
  const started = performance.now();
  const result = await compressText(text, { store: createMemoryStore(), firstSight: new FirstSightCache() });
  const ms = performance.now() - started;
  return {
    dataset,
    name,
    contentType: detectContentType(text),
    tokensBefore: result.tokensBefore,
    tokensAfter: result.tokensAfter,
    saving: round(1 - result.tokensAfter / Math.max(1, result.tokensBefore)),
    ms: round(ms, 1),
  };
}

async function requestRow(dataset: string, name: string, request: unknown): Promise<Row> {
  const started = performance.now();
  const result = await compress(request, { store: createMemoryStore(), firstSight: new FirstSightCache() });
  const ms = performance.now() - started;
  return {
    mustKeepMissing: missingMustKeep(request, result.request),
    dataset,
    name,
    contentType: 'request',
    tokensBefore: result.tokensBefore,
    tokensAfter: result.tokensAfter,
    saving: round(1 - result.tokensAfter / Math.max(1, result.tokensBefore)),
    ms: round(ms, 1),
  };
}

/** Our lossless JSON (the crusher with lossy selection switched off) beside minified JSON and TOON. */
async function losslessJson(text: string): Promise<Row['lossless']> {
  const tokenizer = await getTokenizer();
  const scan = scanJson(text);
  if (!scan.ok) return undefined;
  const ours = await createJsonCrusher({ lossyAboveTokens: Number.POSITIVE_INFINITY }).compress(
    { text, contentType: 'json', query: '' },
    { tokenizer, signal: new AbortController().signal, retrievalKey: contentKey(text) },
  );
  let toon: number | null = null;
  try {
    toon = tokenizer.count(toonEncode(JSON.parse(text)));
  } catch {
    toon = null;
  }
  return { headroom: tokenizer.count(ours.text), minified: tokenizer.count(scan.minified), toon };
}

export async function runCorpusSavingsBenchmark() {
  const root = datasetsDir();
  const rows: Row[] = [];

  const loghub = join(root, 'loghub');
  for (const system of existsSync(loghub) ? readdirSync(loghub).sort() : []) {
    for (const f of files(join(loghub, system), '_2k.log')) {
      rows.push(await rawRow('loghub', f, readFileSync(join(loghub, system, f), 'utf8')));
    }
  }

  const github = join(root, 'github_api_fixtures');
  for (const f of files(github, '.json')) {
    const exchanges = JSON.parse(readFileSync(join(github, f), 'utf8')) as { response: unknown }[];
    for (const [i, exchange] of exchanges.entries()) {
      if (typeof exchange.response !== 'object' || exchange.response === null) continue;
      const text = JSON.stringify(exchange.response, null, 2);
      const row = await rawRow('github_api_fixtures', `${f}#${i}`, text);
      const lossless = await losslessJson(text);
      rows.push(lossless ? { ...row, lossless } : row);
    }
  }

  const scenarios = join(root, 'headroom_scenarios');
  for (const f of files(scenarios, '.json')) {
    const scenario = JSON.parse(readFileSync(join(scenarios, f), 'utf8')) as { model: string; messages: unknown[] };
    rows.push(await requestRow('headroom_scenarios', f, { model: scenario.model, messages: scenario.messages }));
  }

  const swe = join(root, 'swe_agent_trajectories');
  for (const f of files(swe, '.traj')) {
    rows.push(
      await requestRow('swe_agent_trajectories', f, {
        model: 'gpt-4o',
        messages: trajectoryMessages(JSON.parse(readFileSync(join(swe, f), 'utf8')) as Trajectory),
      }),
    );
  }

  const byDataset = new Map<string, Row[]>();
  for (const row of rows) byDataset.set(row.dataset, [...(byDataset.get(row.dataset) ?? []), row]);
  const summary = Object.fromEntries(
    [...byDataset].map(([dataset, list]) => {
      const before = list.reduce((a, r) => a + r.tokensBefore, 0);
      const after = list.reduce((a, r) => a + r.tokensAfter, 0);
      return [
        dataset,
        {
          cases: list.length,
          tokensBefore: before,
          tokensAfter: after,
          saving: round(1 - after / Math.max(1, before)),
        },
      ];
    }),
  );
  const jsonRows = rows.filter((r) => r.lossless);
  const missing = rows.flatMap((r) => (r.mustKeepMissing ?? []).map((m) => `${r.name}: ${m}`));
  // The benchmark fails when a must-keep item went out of sight: savings never count without it.
  if (missing.length) {
    process.exitCode = 1;
    console.error(`must-keep items not visible:\n${missing.join('\n')}`);
  }
  return {
    benchmark: 'corpus-savings',
    summary,
    mustKeepMissing: missing.length,
    largerThanInput: rows.filter((r) => r.tokensAfter > r.tokensBefore).length,
    losslessJson: {
      cases: jsonRows.length,
      largerThanMinified: jsonRows.filter((r) => (r.lossless?.headroom ?? 0) > (r.lossless?.minified ?? 0)).length,
      largerThanToon: jsonRows.filter(
        (r) => r.lossless?.toon !== null && (r.lossless?.headroom ?? 0) > (r.lossless?.toon ?? 0),
      ).length,
    },
    rows,
  };
}
