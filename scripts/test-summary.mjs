#!/usr/bin/env node
// Sums the vitest JSON reports every package writes to .test-results/vitest.json and prints
// one plain line, `N passed, N failed`. A package with a test script but no report (its run
// crashed before reporting) counts as one failure, so a broken package can never look green.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'apps']
  .flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => join(root, group, d)) : [],
  )
  .concat(['benchmarks', 'evals', 'examples', 'e2e'].map((d) => join(root, d)))
  .filter((dir) => existsSync(join(dir, 'package.json')));

let passed = 0;
let failed = 0;
const missing = [];
for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!pkg.scripts?.test) continue;
  const report = join(dir, '.test-results/vitest.json');
  if (!existsSync(report)) {
    missing.push(pkg.name);
    failed += 1;
    continue;
  }
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed += result.numPassedTests ?? 0;
  // A file that failed to load fails no test but must still count: one failure for the package.
  failed += (result.numFailedTests ?? 0) || (result.success === false ? 1 : 0);
}
if (missing.length) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
