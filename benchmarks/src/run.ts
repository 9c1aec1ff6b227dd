import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runCcrStoreBenchmark } from './ccr-store.js';
import { runContextFitBenchmark } from './context-fit.js';
import { runCorpusSavingsBenchmark } from './corpus-savings.js';
import { runFleetBenchmark } from './fleet.js';
import { runImagesBenchmark } from './images.js';
import { runKompressBenchmark } from './kompress.js';
import { writeMarkdown } from './markdown.js';
import { runMemoryBenchmark } from './memory.js';
import { runOutputShapingBenchmark } from './output-shaping.js';
import { runProxyLoadBenchmark } from './proxy-load.js';
import { runProxySoakBenchmark } from './proxy-soak.js';
import { runSessionCostBenchmark } from './session-cost.js';
import { runSpeedBenchmark } from './speed.js';
import { runToolOutputsBenchmark } from './tool-outputs.js';

/** Runs the benchmarks (all, or those named on the command line) and writes results/<name>.json. */
const BENCHMARKS: Record<string, () => Promise<object>> = {
  'ccr-store': runCcrStoreBenchmark,
  'tool-outputs': runToolOutputsBenchmark,
  'corpus-savings': runCorpusSavingsBenchmark,
  'session-cost': runSessionCostBenchmark,
  'output-shaping': runOutputShapingBenchmark,
  'context-fit': runContextFitBenchmark,
  'proxy-load': runProxyLoadBenchmark,
  'proxy-soak': runProxySoakBenchmark,
  fleet: runFleetBenchmark,
  images: runImagesBenchmark,
  memory: runMemoryBenchmark,
  kompress: runKompressBenchmark,
  speed: runSpeedBenchmark,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')} (known: ${Object.keys(BENCHMARKS).join(', ')})`);
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(BENCHMARKS);
if (names.length > 1) {
  // Each benchmark in a process of its own: nothing one leaves in memory or caches skews the next.
  let failed = false;
  for (const name of names) {
    const run = spawnSync(process.execPath, [...process.execArgv, process.argv[1] as string, name], {
      stdio: 'inherit',
    });
    failed ||= run.status !== 0;
  }
  process.exit(failed ? 1 : 0);
}
const resultsDir = join(import.meta.dirname, '..', 'results');
mkdirSync(resultsDir, { recursive: true });
const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
for (const name of names) {
  const result = {
    ...(await (BENCHMARKS[name] as () => Promise<object>)()),
    machine,
    date: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const markdown = writeMarkdown(name, result);
  if (markdown) writeFileSync(join(resultsDir, `${name}.md`), markdown);
  // The session-cost table is part of the docs, not only of the benchmark results.
  if (markdown && name === 'session-cost')
    writeFileSync(join(import.meta.dirname, '..', '..', 'docs', 'session-cost.md'), markdown);
  console.log(markdown ?? JSON.stringify(result, null, 2));
}
