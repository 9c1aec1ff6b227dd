import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointFromEnv, renderMarkdown, runSuite } from '../src/index.js';
import { toAnthropic } from '../src/online/model.js';
import { bfclAstMatch, gsm8kExact, pairedDifference, squadF1 } from '../src/online/scores.js';

/**
 * A fake model on loopback. It reads like a model that answers from what it is shown: with
 * tools offered, it calls the first one; otherwise it repeats the last tool result back.
 */
let server: Server;
let baseUrl = '';
const seen: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.url?.endsWith('/v1/messages')) {
        // The Messages API: answer from the last tool_result block.
        const request = JSON.parse(body) as { messages: { content: { type: string; content?: string }[] }[] };
        seen.push(request as unknown as Record<string, unknown>);
        const results = request.messages.flatMap((m) => m.content).filter((b) => b.type === 'tool_result');
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            content: [{ type: 'text', text: results.at(-1)?.content ?? '' }],
            usage: { input_tokens: Math.ceil(body.length / 4) },
          }),
        );
        return;
      }
      const request = JSON.parse(body) as {
        model: string;
        messages: { role: string; content: unknown }[];
        tools?: { function: { name: string } }[];
      };
      seen.push(request);
      const last = [...request.messages].reverse().find((m) => m.role === 'tool');
      const message = request.tools?.length
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: request.tools[0]?.function.name, arguments: '{"base": 10, "height": 5}' },
              },
            ],
          }
        : { role: 'assistant', content: typeof last?.content === 'string' ? last.content : '' };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message }], usage: { prompt_tokens: Math.ceil(body.length / 4) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function cases(): { dataDir: string; casesDir: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-online-'));
  const casesDir = join(dataDir, 'cases');
  mkdirSync(casesDir);
  const content = Array.from(
    { length: 400 },
    (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO request ${i} served in ${i % 17}ms`,
  )
    .concat(['2024-05-01T10:07:00Z ERROR upstream refused connection to db-replica-7'])
    .join('\n');
  writeFileSync(
    join(casesDir, 'c1.json'),
    JSON.stringify({
      id: 'c1',
      kind: 'service_log',
      content,
      question: 'Which host refused the connection?',
      answer: 'db-replica-7',
    }),
  );
  mkdirSync(join(dataDir, 'bfcl', 'possible_answer'), { recursive: true });
  const fn = {
    name: 'geometry.triangle_area',
    description: 'Area of a triangle.',
    parameters: {
      type: 'dict',
      properties: { base: { type: 'integer' }, height: { type: 'integer' } },
      required: ['base', 'height'],
    },
  };
  writeFileSync(
    join(dataDir, 'bfcl', 'BFCL_v4_simple_python.json'),
    `${JSON.stringify({ id: 's0', question: [[{ role: 'user', content: 'base 10, height 5' }]], function: [fn] })}\n`,
  );
  writeFileSync(
    join(dataDir, 'bfcl', 'possible_answer', 'BFCL_v4_simple_python.json'),
    `${JSON.stringify({ id: 's0', ground_truth: [{ 'geometry.triangle_area': { base: [10], height: [5] } }] })}\n`,
  );
  return { dataDir, casesDir };
}

describe('online mode against a model on loopback', () => {
  it('sends both requests, scores them, and reports the paired difference', async () => {
    const { dataDir, casesDir } = cases();
    const endpoint = { provider: 'openai' as const, baseUrl, apiKey: 'test-key', model: 'fake-model' };
    const result = await runSuite('tool-qa', { dataDir, casesDir, endpoint });
    expect(result.mode).toBe('online');
    expect(result.cases[0]?.online).toMatchObject({ baseline: 1, compressed: 1 });
    expect(result.aggregate.online).toMatchObject({
      baselineScore: 1,
      compressedScore: 1,
      difference: 0,
      ci95: [0, 0],
    });
    expect(result.aggregate.online?.compressedInputTokens).toBeLessThan(
      result.aggregate.online?.baselineInputTokens ?? 0,
    );
    expect(seen.at(-1)).toMatchObject({ model: 'fake-model', temperature: 0 });
    expect(renderMarkdown(result)).toContain('Online (fake-model): score 1 as built, 1 compressed');
  });

  it('speaks the Messages API when the endpoint is Anthropic', async () => {
    const { dataDir, casesDir } = cases();
    const root = baseUrl.replace(/\/v1$/, '');
    const result = await runSuite('tool-qa', {
      dataDir,
      casesDir,
      endpoint: { provider: 'anthropic', baseUrl: root, apiKey: 'k', model: 'claude-test' },
    });
    expect(result.cases[0]?.online).toMatchObject({ baseline: 1, compressed: 1 });
    expect(seen.at(-1)).toMatchObject({ model: 'claude-test', max_tokens: 1024 });
  });

  it('scores BFCL calls by AST match, with API-safe function names', async () => {
    const { dataDir } = cases();
    const result = await runSuite('bfcl', {
      dataDir,
      endpoint: { provider: 'openai' as const, baseUrl, apiKey: undefined, model: 'fake-model' },
    });
    expect(result.cases[0]?.online).toMatchObject({ baseline: 1, compressed: 1 });
    const sent = seen.at(-1) as { tools: { function: { name: string; parameters: { type: string } } }[] };
    expect(sent.tools[0]?.function).toMatchObject({ name: 'geometry_triangle_area', parameters: { type: 'object' } });
  });
});

describe('the Messages API shape', () => {
  it('carries the same conversation: system, tool calls as tool_use, results as tool_result', () => {
    const request = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Which host?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'logs', arguments: '{"n": 5}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'db-7 refused' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'logs', description: 'Read logs.', parameters: { type: 'object', properties: {} } },
        },
      ],
    };
    expect(toAnthropic(request, 'claude-haiku-4-5')).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      temperature: 0,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Which host?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'logs', input: { n: 5 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'db-7 refused' }] },
      ],
      tools: [{ name: 'logs', description: 'Read logs.', input_schema: { type: 'object', properties: {} } }],
    });
  });

  it('is picked from the environment when only an Anthropic key is set', () => {
    expect(endpointFromEnv({ ANTHROPIC_API_KEY: 'k' })).toEqual({
      provider: 'anthropic',
      baseUrl: 'https://api.anthropic.com',
      apiKey: 'k',
      model: 'claude-haiku-4-5',
    });
    expect(endpointFromEnv({})).toBeUndefined();
  });
});

describe('scores', () => {
  it('SQuAD F1, GSM8K exact match, BFCL AST match and paired differences', () => {
    expect(squadF1('The Normans came from France.', ['France'])).toBeCloseTo(0.4);
    expect(squadF1('in France', ['France', 'Normandy'])).toBeCloseTo(2 / 3);
    expect(gsm8kExact('So she makes $18 every day.', '18')).toBe(1);
    expect(gsm8kExact('1,250 total, final answer 1,200', '1200')).toBe(1);
    expect(gsm8kExact('no number', '5')).toBe(0);
    const gold = [{ f: { a: [1], b: ['', 2] } }];
    expect(bfclAstMatch([{ name: 'f', arguments: '{"a": 1}' }], gold)).toBe(1);
    expect(bfclAstMatch([{ name: 'f', arguments: '{"a": 1, "b": 3}' }], gold)).toBe(0);
    expect(bfclAstMatch([{ name: 'f', arguments: '{"a": 1, "c": 3}' }], gold)).toBe(0);
    expect(pairedDifference([1, 1, 0, 1], [1, 0, 0, 1])).toEqual({ mean: -0.25, ci95: [-0.74, 0.24] });
  });
});
