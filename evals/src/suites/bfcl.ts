import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirstSightCache } from '@headroom/core';
import { compress } from '@headroom/crushers';
import { Ajv } from 'ajv';
import { scorePair } from '../online/model.js';
import { bfclAstMatch } from '../online/scores.js';
import { sample } from '../sample.js';
import type { CaseResult, SuiteOptions } from '../types.js';

const CATEGORIES = [
  'simple_python',
  'simple_java',
  'simple_javascript',
  'multiple',
  'parallel',
  'parallel_multiple',
  'live_simple',
  'live_multiple',
];

interface BfclFunction {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

interface BfclCase {
  readonly id: string;
  readonly category: string;
  readonly question: string;
  readonly functions: BfclFunction[];
  /** Each gold call: function name → parameter → acceptable values ("" = may be omitted). */
  readonly gold: Record<string, Record<string, unknown[]>>[];
}

const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);

export function loadBfclCases(dataDir: string): BfclCase[] {
  const cases: BfclCase[] = [];
  for (const category of CATEGORIES) {
    const questions = join(dataDir, 'bfcl', `BFCL_v4_${category}.json`);
    const answers = join(dataDir, 'bfcl', 'possible_answer', `BFCL_v4_${category}.json`);
    if (!existsSync(questions) || !existsSync(answers)) continue;
    const gold = new Map(readJsonl(answers).map((a) => [a.id as string, a.ground_truth as BfclCase['gold']]));
    for (const q of readJsonl(questions)) {
      const truth = gold.get(q.id as string);
      if (!truth) continue;
      const turns = q.question as { role: string; content: string }[][];
      const question = turns
        .flat()
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n');
      cases.push({ id: q.id as string, category, question, functions: q.function as BfclFunction[], gold: truth });
    }
  }
  return cases;
}

/** BFCL's schema dialect (`dict`, `float`, `tuple`, `any`) in JSON Schema terms. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type' && typeof value === 'string') {
      const mapped = {
        dict: 'object',
        float: 'number',
        tuple: 'array',
        integer: 'integer',
        string: 'string',
        boolean: 'boolean',
        array: 'array',
        number: 'number',
        object: 'object',
      }[value];
      if (mapped) out.type = mapped;
    } else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else out[key] = toJsonSchema(value);
  }
  return out;
}

/** The structure a model relies on: names, parameter names, types, required lists, enums, defaults — everything but descriptions. */
function structure(fn: BfclFunction): string {
  const strip = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(strip)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => k !== 'description')
              .map(([k, x]) => [k, strip(x)]),
          )
        : v;
  return JSON.stringify({ name: fn.name, parameters: strip(fn.parameters) });
}

/** A concrete call from the gold answer: the first acceptable value of each parameter ("" and null mean it may be left out). */
function goldCall(call: Record<string, Record<string, unknown[]>>): { name: string; args: Record<string, unknown> } {
  const [name, params] = Object.entries(call)[0] as [string, Record<string, unknown[]>];
  const args: Record<string, unknown> = {};
  for (const [param, values] of Object.entries(params)) {
    const value = values.find((v) => v !== '' && v !== null);
    if (value !== undefined) args[param] = value;
  }
  return { name, args };
}

/**
 * bfcl: the function definitions are the request's tools and go through the tool-schema
 * compressor. Valid when every name, parameter, type, required list and enum is unchanged and
 * every gold call still validates (ajv) against the compressed schema.
 */
export async function runBfcl(options: SuiteOptions): Promise<CaseResult[]> {
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false, logger: false });
  const callsValidate = (functions: readonly BfclFunction[], gold: BfclCase['gold']) =>
    gold.every((call) => {
      const { name, args } = goldCall(call);
      const fn = functions.find((f) => f.name === name);
      return fn !== undefined && ajv.validate(toJsonSchema(fn.parameters) as object, args);
    });
  // A gold call that does not fit even the original schema says nothing about compression.
  const usable = loadBfclCases(options.dataDir).filter((c) => callsValidate(c.functions, c.gold));
  const cases = sample(usable, options.limit, options.seed ?? 0);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const request = {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: c.question }],
      tools: c.functions.map((fn) => ({ type: 'function', function: fn })),
    };
    const started = performance.now();
    const result = await compress(request, { policy: { toolSchemas: true }, firstSight: new FirstSightCache() });
    const ms = Math.round((performance.now() - started) * 100) / 100;
    const shown = (result.request.tools as { function: BfclFunction }[]).map((t) => t.function);
    const sameStructure =
      shown.length === c.functions.length &&
      shown.every((fn, i) => structure(fn) === structure(c.functions[i] as BfclFunction));
    const callsValid = callsValidate(shown, c.gold);
    const schemaReports = result.transforms.filter((t) => t.contentType === 'tool-schema');
    const online = options.endpoint
      ? await scorePair(options.endpoint, forModel(request), forModel(result.request), (r) =>
          bfclAstMatch(
            r.toolCalls,
            c.gold.map((call) => Object.fromEntries(Object.entries(call).map(([n, p]) => [apiName(n), p]))),
          ),
        )
      : undefined;
    results.push({
      id: c.id,
      kind: c.category,
      status: sameStructure && callsValid ? 'valid' : 'invalid',
      tokensBefore: schemaReports.reduce((a, t) => a + t.tokensBefore, 0),
      tokensAfter: schemaReports.reduce((a, t) => a + t.tokensAfter, 0),
      ms,
      ...(online ? { online } : {}),
    });
    options.onProgress?.(results.length, cases.length);
  }
  return results;
}

/** Function names as chat APIs accept them (`math.factorial` → `math_factorial`). */
function apiName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** The request a chat API accepts: API-safe names and standard JSON Schema types. */
function forModel(request: { messages: unknown[]; tools: unknown[] }): Record<string, unknown> {
  return {
    messages: request.messages,
    tools: (request.tools as { function: BfclFunction }[]).map(({ function: fn }) => ({
      type: 'function',
      function: { name: apiName(fn.name), description: fn.description ?? '', parameters: toJsonSchema(fn.parameters) },
    })),
  };
}
