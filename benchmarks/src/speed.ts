import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMemoryStore } from '@headroom/ccr';
import { FirstSightCache, getTokenizer } from '@headroom/core';
import { compress, compressText, detectContentType } from '@headroom/crushers';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { datasetsDir, round } from './corpus.js';
import { SCALE_TYPES, scaleDataAvailable, scaleInput } from './scale/inputs.js';
import { runScaleCurve } from './scale/scale.js';
import { loadToolOutputCases } from './tool-outputs.js';
import { type Trajectory, trajectoryMessages } from './trajectories.js';

const CLI = resolve(import.meta.dirname, '../../apps/cli/dist/headroom.js');
const RUNS = 11;
/** Rounds of rotated copies before measuring: enough for the JIT to optimise what a busy proxy runs hot. */
const WARM_ROUNDS = 3;
const plain = { disallowedSpecial: new Set<string>() };

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : 0;
};

/** Median wall time of a fresh `node` process running `args`, over RUNS runs. */
function wallMs(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
  return round(median(times), 1);
}

/** The CLI as a user runs it, against a bare `node -e ''` on the same machine in the same minute. */
function startup() {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-speed-'));
  const env = { ...process.env, HEADROOM_HOME: join(dir, 'home') };
  try {
    const small = join(dir, 'small.txt');
    writeFileSync(small, 'hello world');
    const log = join(dir, 'log-50k.txt');
    writeFileSync(log, fiftyKilobyteLog());
    const node = wallMs(['-e', ''], env);
    const row = (what: string, args: string[]) => {
      const ms = wallMs([CLI, ...args], env);
      return { what, ms, timesNode: round(ms / node, 2) };
    };
    const rows = [
      row('headroom --help', ['--help']),
      row('headroom compress (11 bytes)', ['compress', small]),
      row('headroom compress (50 kB log)', ['compress', log]),
    ];
    // Cold, as a user meets each content type: a new process compressing 50 kB of it.
    for (const type of scaleDataAvailable() ? SCALE_TYPES.filter((t) => t !== 'log') : []) {
      const file = join(dir, `${type}-50k.txt`);
      writeFileSync(file, scaleInput(type, 50_000));
      rows.push(row(`headroom compress (50 kB ${type})`, ['compress', file]));
    }
    return { nodeMs: node, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 50 kB of a real log (LogHub's Apache sample) when the datasets are present, else of a dev output. */
function fiftyKilobyteLog(): string {
  const apache = join(datasetsDir(), 'loghub', 'Apache', 'Apache_2k.log');
  const text = existsSync(apache) ? readFileSync(apache, 'utf8') : (loadToolOutputCases()[0]?.content ?? '');
  const cut = text.lastIndexOf('\n', 50_000);
  return text.slice(0, cut > 0 ? cut + 1 : 50_000);
}

interface Input {
  readonly source: string;
  readonly text?: string;
  readonly request?: { model: string; messages: unknown[] };
}

/** Every real output and request of the dev set and the offline corpora. */
function inputs(): Input[] {
  const root = datasetsDir();
  const list: Input[] = loadToolOutputCases().map((c) => ({ source: `tool-outputs/${c.id}`, text: c.content }));
  const loghub = join(root, 'loghub');
  for (const system of existsSync(loghub) ? readdirSync(loghub).sort() : []) {
    if (!statSync(join(loghub, system)).isDirectory()) continue;
    for (const f of readdirSync(join(loghub, system)).filter((f) => f.endsWith('_2k.log'))) {
      list.push({ source: `loghub/${f}`, text: readFileSync(join(loghub, system, f), 'utf8') });
    }
  }
  const github = join(root, 'github_api_fixtures');
  for (const f of existsSync(github) ? readdirSync(github).filter((f) => f.endsWith('.json')) : []) {
    const exchanges = JSON.parse(readFileSync(join(github, f), 'utf8')) as { response: unknown }[];
    exchanges.forEach((e, i) => {
      if (typeof e.response === 'object' && e.response !== null)
        list.push({ source: `github/${f}#${i}`, text: JSON.stringify(e.response, null, 2) });
    });
  }
  const scenarios = join(root, 'headroom_scenarios');
  for (const f of existsSync(scenarios) ? readdirSync(scenarios).filter((f) => f.endsWith('.json')) : []) {
    const s = JSON.parse(readFileSync(join(scenarios, f), 'utf8')) as { model: string; messages: unknown[] };
    list.push({ source: `scenarios/${f}`, request: { model: s.model, messages: s.messages } });
  }
  const swe = join(root, 'swe_agent_trajectories');
  for (const f of existsSync(swe) ? readdirSync(swe).filter((f) => f.endsWith('.traj')) : []) {
    const messages = trajectoryMessages(JSON.parse(readFileSync(join(swe, f), 'utf8')) as Trajectory);
    list.push({ source: `swe/${f}`, request: { model: 'gpt-4o', messages } });
  }
  return list;
}

/**
 * Every letter and digit rotated by `k`: the same shapes, none of the same strings (no remembered
 * counts). Markup tags and all-capital words (`ERROR`, `GET`, `HTTP`) stay as written, so a page
 * is still a page and a log line's level still a level: the copies take the same paths.
 */
function shifted(text: string, k: number): string {
  return text.replace(/<\/?[a-zA-Z][^<>]*>|\b[A-Z]{2,}\b|[a-zA-Z0-9]/g, (c) => {
    if (c.length > 1) return c;
    const code = c.charCodeAt(0);
    const [base, size] = code <= 57 ? [48, 10] : code <= 90 ? [65, 26] : [97, 26];
    return String.fromCharCode(base + ((code - base + k) % size));
  });
}

/** A request with the text of its messages rotated; roles, types and ids as they were. */
function shiftedTexts(value: unknown, k: number, key = ''): unknown {
  if (typeof value === 'string') return key === 'content' || key === 'text' ? shifted(value, k) : value;
  if (Array.isArray(value)) return value.map((v) => shiftedTexts(v, k, key === 'content' ? 'text' : ''));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([name, v]) => [name, shiftedTexts(v, k, name)]));
  return value;
}

/** The input as the k-th variant (k = 0: as it is), and its text for the tokenizer pass. */
function variant(input: Input, k: number): { text?: string; request?: unknown; all: string } {
  if (input.text !== undefined) {
    const text = k ? shifted(input.text, k) : input.text;
    return { text, all: text };
  }
  const request = k ? shiftedTexts(input.request, k) : input.request;
  return { request, all: JSON.stringify(request) };
}

async function compressOnce(v: { text?: string; request?: unknown }): Promise<void> {
  const options = { store: createMemoryStore(), firstSight: new FirstSightCache() };
  if (v.text !== undefined) await compressText(v.text, options);
  else await compress(v.request, options);
}

/**
 * Warm first sight: the process has compressed three rotated copies of every input (the JIT is
 * warm, no count is remembered); then each input is compressed once, token counting of input and
 * output included, against the median of three gpt-tokenizer passes over the same text.
 * (Rotated copies are not measured: text made of rare byte pairs makes every tokenizer slower.)
 */
async function warmFirstSight() {
  const all = inputs();
  await getTokenizer();
  for (let k = 1; k <= WARM_ROUNDS; k++) {
    for (const input of all) {
      const v = variant(input, k);
      await compressOnce(v);
      countTokens(v.all, plain);
    }
  }
  const rows = [];
  for (const input of all) {
    const v = variant(input, 0);
    const passes: number[] = [];
    for (let r = 0; r < 3; r++) {
      const started = performance.now();
      countTokens(v.all, plain);
      passes.push(performance.now() - started);
    }
    const started = performance.now();
    await compressOnce(v);
    const ms = performance.now() - started;
    const passMs = median(passes);
    rows.push({
      source: input.source,
      contentType: input.text !== undefined ? detectContentType(input.text) : 'request',
      chars: variant(input, 0).all.length,
      ms: round(ms, 2),
      tokenizerPassMs: round(passMs, 2),
      timesPass: round(ms / Math.max(passMs, 0.01), 2),
    });
  }
  const ratios = rows.map((r) => r.timesPass);
  return {
    inputs: rows.length,
    medianTimesPass: round(median(ratios), 2),
    over5: rows.filter((r) => r.timesPass > 5).length,
    worst: [...rows].sort((a, b) => b.timesPass - a.timesPass).slice(0, 8),
    rows,
  };
}

export async function runSpeedBenchmark() {
  if (!existsSync(CLI)) throw new Error(`build the CLI first: ${CLI} is missing`);
  return { benchmark: 'speed', startup: startup(), warm: await warmFirstSight(), scale: runScaleCurve() };
}
