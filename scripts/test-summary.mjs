#!/usr/bin/env node
// Sums the vitest JSON reports every package writes to .test-results/vitest.json and prints
// one plain line, `N passed, N failed`. A package with a test script but no report (its run
// crashed before reporting) counts as one failure, so a broken package can never look green.
//
//   node scripts/test-summary.mjs                      the reports there now
//   node scripts/test-summary.mjs --run "node 26" [--only @headroom/cli,@headroom/e2e]
//                                                      the same, labelled, and kept in .ci-results/runs.jsonl
//   node scripts/test-summary.mjs --total              every kept run, then the sum of them all
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const kept = join(root, '.ci-results', 'runs.jsonl');
const { values } = parseArgs({
  options: { run: { type: 'string' }, only: { type: 'string' }, total: { type: 'boolean', default: false } },
});

if (values.total) {
  const runs = existsSync(kept)
    ? readFileSync(kept, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
  let passed = 0;
  let failed = runs.length ? 0 : 1; // no run kept is a failure, never a green zero
  for (const run of runs) {
    console.log(`${run.name}: ${run.passed} passed, ${run.failed} failed`);
    for (const line of run.names ?? []) console.log(line);
    passed += run.passed;
    failed += run.failed;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
} else {
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const { passed, failed, missing, names } = countReports(only);
  if (missing.length) console.log(`no test report from: ${missing.join(', ')}`);
  for (const line of names) console.log(line);
  console.log(`${values.run ? `${values.run}: ` : ''}${passed} passed, ${failed} failed`);
  if (values.run) {
    mkdirSync(join(root, '.ci-results'), { recursive: true });
    appendFileSync(kept, `${JSON.stringify({ name: values.run, passed, failed, names })}\n`);
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

function countReports(only) {
  const dirs = ['packages', 'apps']
    .flatMap((group) =>
      existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : [],
    )
    .concat(['benchmarks', 'evals', 'examples', 'e2e'].map((d) => join(root, d)))
    .filter((dir) => existsSync(join(dir, 'package.json')));
  let passed = 0;
  let failed = 0;
  const missing = [];
  const names = [];
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!pkg.scripts?.test || (only && !only.has(pkg.name))) continue;
    const report = join(dir, '.test-results/vitest.json');
    if (!existsSync(report)) {
      missing.push(pkg.name);
      failed += 1;
      continue;
    }
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests ?? 0;
    names.push(...failedTests(pkg.name, dir, result));
    // A file that failed to load fails no test but must still count: one failure for the package.
    failed += (result.numFailedTests ?? 0) || (result.success === false ? 1 : 0);
  }
  return { passed, failed, missing, names };
}

// The failing tests by file and name, so the last lines of a long log say what broke.
function failedTests(name, dir, result) {
  const lines = [];
  for (const file of result.testResults ?? []) {
    const where = `${name} ${file.name?.startsWith(dir) ? file.name.slice(dir.length + 1) : file.name}`;
    const failing = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    for (const test of failing) {
      const why = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 200);
      lines.push(`  failed: ${where} > ${test.fullName ?? test.title}${why ? ` — ${why}` : ''}`);
    }
    if (!failing.length && file.status === 'failed') {
      lines.push(`  failed: ${where} — ${(file.message ?? 'did not run').split('\n')[0].slice(0, 200)}`);
    }
  }
  return lines;
}
