import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../src/aggregate.js';
import { checkFloors, renderChart, renderMarkdown, runSuite } from '../src/index.js';
import type { CaseResult } from '../src/types.js';

/** A data directory shaped like ../shared/datasets, with a few records of each suite. */
function dataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'headroom-evals-'));
  mkdirSync(join(root, 'gsm8k'));
  writeFileSync(
    join(root, 'gsm8k', 'test.jsonl'),
    [
      'Janet has 16 eggs and eats 3 each morning. She sells the rest at $2 each. How much does she make?',
      'A robe takes 2 bolts of blue fiber and half that much white fiber. How many bolts in total?',
      'Josh buys a house for $80,000 and puts in $50,000 in repairs, raising its value by 150%. What is his profit?',
    ]
      .map((question) => JSON.stringify({ question, answer: '#### 0' }))
      .join('\n'),
  );
  mkdirSync(join(root, 'squad_v2'));
  const sentences = (topic: string, n: number) =>
    Array.from(
      { length: n },
      (_, i) => `The ${topic} chronicle mentions event number ${i} in the valley of ${topic}.`,
    ).join(' ');
  const paragraphs = Array.from({ length: 6 }, (_, p) => ({
    context: `${sentences(`topic${p}`, 12)} The capital of region ${p} is Aldor${p}ville.`,
    qas: [
      {
        id: `q${p}`,
        question: `What is the capital of region ${p}?`,
        answers: [{ text: `Aldor${p}ville` }],
        is_impossible: false,
      },
    ],
  }));
  writeFileSync(
    join(root, 'squad_v2', 'dev-v2.0-cs224n-half.json'),
    JSON.stringify({ version: 'v2', data: [{ title: 'Regions', paragraphs }] }),
  );
  mkdirSync(join(root, 'bfcl', 'possible_answer'), { recursive: true });
  const fn = {
    name: 'calculate_triangle_area',
    description: `Calculate the area of a triangle given its base and height. ${'It supports any unit of length and returns the area in that unit squared. '.repeat(3)}For example, base 10 and height 5 give 25.`,
    parameters: {
      type: 'dict',
      properties: {
        base: { type: 'integer', description: 'The base of the triangle.' },
        height: { type: 'integer', description: 'The height of the triangle.' },
        unit: { type: 'string', enum: ['units', 'cm', 'm'], description: 'The unit of measure.' },
      },
      required: ['base', 'height'],
    },
  };
  writeFileSync(
    join(root, 'bfcl', 'BFCL_v4_simple_python.json'),
    `${JSON.stringify({ id: 'simple_python_0', question: [[{ role: 'user', content: 'Area of a triangle with base 10 and height 5?' }]], function: [fn] })}\n`,
  );
  writeFileSync(
    join(root, 'bfcl', 'possible_answer', 'BFCL_v4_simple_python.json'),
    `${JSON.stringify({ id: 'simple_python_0', ground_truth: [{ calculate_triangle_area: { base: [10], height: [5], unit: ['units', ''] } }] })}\n`,
  );
  return root;
}

describe('suites on dataset-shaped data', () => {
  const root = dataDir();

  it('gsm8k keeps every number of the problem', async () => {
    const result = await runSuite('gsm8k', { dataDir: root, seed: 3 });
    expect(result.aggregate).toMatchObject({ n: 3, numbersKeptRate: 1, retainedRate: 1 });
    expect(result.aggregate.savings).toBeGreaterThan(0.3);
  });

  it('squad serves the article as a tool result and finds every answer', async () => {
    const result = await runSuite('squad', { dataDir: root, seed: 1 });
    expect(result.aggregate.n).toBe(6);
    expect(result.aggregate.lostRate).toBe(0);
    expect(result.cases.every((c) => c.kind === 'article')).toBe(true);
  });

  it('bfcl keeps gold calls valid against the compressed tool schema', async () => {
    const result = await runSuite('bfcl', { dataDir: root });
    expect(result.cases).toEqual([
      expect.objectContaining({ id: 'simple_python_0', kind: 'simple_python', status: 'valid' }),
    ]);
    expect(result.aggregate.validRate).toBe(1);
    expect(result.aggregate.savings).toBeGreaterThan(0.3);
  });
});

describe('aggregate, floors and reports', () => {
  const cases: CaseResult[] = [
    { id: 'a', kind: 'log', status: 'retained', tokensBefore: 1000, tokensAfter: 100, ms: 1 },
    { id: 'b', kind: 'log', status: 'recoverable', tokensBefore: 1000, tokensAfter: 300, ms: 1 },
    { id: 'c', kind: 'json', status: 'lost', tokensBefore: 2000, tokensAfter: 1000, ms: 1 },
  ];

  it('computes rates as fractions and savings over totals and medians', () => {
    expect(aggregate(cases)).toEqual({
      n: 3,
      retainedRate: 0.3333,
      recoverableRate: 0.3333,
      lostRate: 0.3333,
      savings: 0.65,
      medianSavings: 0.7,
    });
  });

  it('reports floors an aggregate missed', () => {
    expect(checkFloors(aggregate(cases), { savings: 0.5, retainedRate: 0.9, validRate: 1 })).toEqual([
      'retainedRate 0.3333 is below the floor 0.9',
      'validRate is not reported by this suite',
    ]);
  });

  it('renders a report and a chart with one point per kind', () => {
    const result = { suite: 'tool-qa' as const, mode: 'offline' as const, cases, aggregate: aggregate(cases) };
    expect(renderMarkdown(result, 'tool-qa.svg')).toContain('| json | 1 | 50.0% | 0.0% | 0.0% |');
    expect(renderChart(result).match(/<circle /g)).toHaveLength(4);
  });
});
