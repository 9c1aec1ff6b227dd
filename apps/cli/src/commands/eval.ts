import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandArgs } from '../internal/args.js';
import { CliError, inputError, usageError } from '../internal/cli-error.js';
import { EVAL_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';

/** Exit code when an aggregate falls below a `--floor`. */
const BELOW_FLOOR = 3;

type Evals = typeof import('@headroom/evals');

/**
 * `headroom eval <suite>`: runs an offline suite from `@headroom/evals` on a data directory and
 * writes a Markdown report, an SVG chart and the JSON result.
 */
export async function runEval(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('eval', args, {
    data: { type: 'string' },
    dir: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
    floor: { type: 'string', multiple: true },
    out: { type: 'string', default: 'headroom-eval' },
    mode: { type: 'string', default: 'offline' },
    'no-query': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, EVAL_HELP);
    return 0;
  }
  const evals = await loadEvals();
  const [suite, ...extra] = positionals;
  if (!suite || extra.length || !(evals.SUITE_NAMES as string[]).includes(suite)) {
    throw usageError(`eval takes one suite: ${evals.SUITE_NAMES.join(', ')}. Run 'headroom eval --help'`);
  }
  const limit = values.limit === undefined ? undefined : positiveInteger('--limit', values.limit);
  const seed = positiveInteger('--seed', values.seed ?? '0', true);
  const floors = parseFloors(values.floor ?? []);
  if (values.mode !== 'offline' && values.mode !== 'online') {
    throw usageError(`--mode takes offline or online (got '${values.mode}')`);
  }
  const endpoint = values.mode === 'online' ? evals.endpointFromEnv(io.env) : undefined;
  if (values.mode === 'online' && !endpoint) {
    throw inputError(
      'online mode needs a model: set OPENAI_API_KEY or ANTHROPIC_API_KEY, or OPENAI_BASE_URL / HEADROOM_EVAL_BASE_URL for any OpenAI-compatible server (HEADROOM_EVAL_MODEL picks the model)',
    );
  }
  const dataDir = resolve(io.cwd, values.data ?? io.env.HEADROOM_DATASETS ?? defaultDatasets());
  const casesDir = values.dir === undefined ? undefined : resolve(io.cwd, values.dir);
  for (const [flag, dir] of [
    ['--data', dataDir],
    ['--dir', casesDir],
  ] as const) {
    if (dir !== undefined && !existsSync(dir)) {
      throw inputError(
        `no datasets at ${dir}; pass ${flag} DIR${flag === '--data' ? ' or set HEADROOM_DATASETS' : ''}`,
      );
    }
  }

  const progress = io.stderr.isTTY
    ? (done: number, total: number) => {
        const width = 30;
        const filled = Math.round((done / total) * width);
        io.stderr.write(
          `\r${suite} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`,
        );
      }
    : undefined;
  const result = await evals.runSuite(suite as Parameters<Evals['runSuite']>[0], {
    dataDir,
    ...(casesDir ? { casesDir } : {}),
    ...(limit !== undefined ? { limit } : {}),
    seed,
    ...(values['no-query'] ? { noQuery: true } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(progress ? { onProgress: progress } : {}),
  });

  const outDir = resolve(io.cwd, values.out ?? 'headroom-eval');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${suite}.svg`), evals.renderChart(result));
  writeFileSync(join(outDir, `${suite}.md`), evals.renderMarkdown(result, `${suite}.svg`));
  writeFileSync(join(outDir, `${suite}.json`), `${JSON.stringify(result, null, 2)}\n`);

  if (values.json) await write(io.stdout, `${JSON.stringify(result)}\n`);
  else {
    const a = result.aggregate;
    const kept =
      a.validRate !== undefined
        ? `valid ${a.validRate}`
        : `retained ${a.retainedRate}, recoverable ${a.recoverableRate}, lost ${a.lostRate}`;
    await write(
      io.stdout,
      `${suite}${result.noQuery ? ' (without the question)' : ''}: ${a.n} cases, savings ${a.savings} (median ${a.medianSavings}), ${kept}` +
        `${a.blind ? `; by the question ${a.blind.byQuestionRate}, by one identifier ${a.blind.byIdentifierRate}, answer within 1,000 retrieved tokens ${a.blind.answerWithin1000Rate}` : ''}` +
        `${a.numbersKeptRate !== undefined ? `, numbers kept ${a.numbersKeptRate}` : ''}` +
        `${a.online ? `\nonline: score ${a.online.baselineScore} → ${a.online.compressedScore}, difference ${a.online.difference} (95% CI ${a.online.ci95.join(' to ')})` : ''}` +
        `\nreport: ${join(outDir, `${suite}.md`)}\n`,
    );
  }
  const failures = evals.checkFloors(result.aggregate, floors);
  for (const failure of failures) await write(io.stderr, `headroom: ${failure}\n`);
  return failures.length ? BELOW_FLOOR : 0;
}

async function loadEvals(): Promise<Evals> {
  try {
    return await import('@headroom/evals');
  } catch (error) {
    throw new CliError(
      1,
      'headroom eval needs @headroom/evals, which ships with the Headroom repository; run it from a checkout',
      {
        cause: error,
      },
    );
  }
}

/** `../shared/datasets` beside the repository this command was built in. */
function defaultDatasets(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets');
}

function positiveInteger(flag: string, text: string, zeroAllowed = false): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zeroAllowed ? 0 : 1))
    throw usageError(`${flag} takes a whole number${zeroAllowed ? '' : ' above 0'} (got '${text}')`);
  return n;
}

function parseFloors(specs: readonly string[]): Record<string, number> {
  const floors: Record<string, number> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z]+)=(\d*\.?\d+)$/.exec(spec);
    if (!m) throw usageError(`--floor takes NAME=VALUE, for example retainedRate=1 (got '${spec}')`);
    floors[m[1] as string] = Number(m[2]);
  }
  return floors;
}
