import { createMemoryStore } from '@headroom/ccr';
import { DIALECTS, FirstSightCache, getTokenizer, parseMarkers, type WireFormat } from '@headroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy } from '../src/proxy.js';
import type { ProxyStats } from '../src/stats.js';
import { type ScriptedModel, startScriptedModel } from '../src/testing/index.js';

/** A small window, so a session outgrows it in a dozen turns. */
const WINDOW = 9000;
const MAX_TOKENS = 1000;

/**
 * A model that refuses, as providers do, a prompt that leaves no room for its reply in the window.
 * It counts a prompt as providers do: the tokens of its texts, and a few for each message or part.
 */
let model: ScriptedModel;
let count: (text: string) => number;
const promptOf = (body: string) => {
  let tokens = 0;
  JSON.parse(body, (_key, value) => {
    tokens += typeof value === 'string' ? count(value) : typeof value === 'object' && value !== null ? 4 : 1;
    return value;
  });
  return tokens;
};
beforeAll(async () => {
  const tokenizer = await getTokenizer();
  count = (text) => tokenizer.count(text);
  model = await startScriptedModel((request) =>
    promptOf(request.body) + MAX_TOKENS > WINDOW
      ? { error: { status: 400, type: 'invalid_request_error', message: 'prompt is too long' } }
      : { text: 'next step' },
  );
});
afterAll(() => model.close());

/** Turn `n`'s tool output: a build log of ~700 tokens, each turn's different, with one error line. */
function output(n: number): string {
  const lines = Array.from(
    { length: 60 },
    (_, i) => `[step ${n}.${i}] compiled module_${n}_${i}.ts in ${(i * 37 + n * 11) % 997} ms, ${i * n} symbols`,
  );
  lines.splice(30, 0, `ERROR module_${n}_30.ts: cannot find name 'config${n}'`);
  return lines.join('\n');
}

/** The session after `turns` tool calls, in each format; the last turn is a tool result. */
function session(format: WireFormat, turns: number): { path: string; body: Record<string, unknown> } {
  const question = 'Build the project and fix what fails.';
  const system = 'You are a coding agent.';
  const calls = Array.from({ length: turns }, (_, n) => ({ id: `call_${n}`, out: output(n) }));
  switch (format) {
    case 'anthropic':
      return {
        path: '/v1/messages',
        body: {
          model: 'claude-fit',
          max_tokens: MAX_TOKENS,
          system,
          tools: [{ name: 'build', input_schema: { type: 'object' } }],
          messages: [
            { role: 'user', content: question },
            ...calls.flatMap((c) => [
              { role: 'assistant', content: [{ type: 'tool_use', id: c.id, name: 'build', input: {} }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: c.id, content: c.out }] },
            ]),
          ],
        },
      };
    case 'openai':
      return {
        path: '/v1/chat/completions',
        body: {
          model: 'gpt-fit',
          max_completion_tokens: MAX_TOKENS,
          tools: [{ type: 'function', function: { name: 'build', parameters: { type: 'object' } } }],
          messages: [
            { role: 'system', content: system },
            { role: 'user', content: question },
            ...calls.flatMap((c) => [
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: c.id, type: 'function', function: { name: 'build', arguments: '{}' } }],
              },
              { role: 'tool', tool_call_id: c.id, content: c.out },
            ]),
          ],
        },
      };
    case 'responses':
      return {
        path: '/v1/responses',
        body: {
          model: 'gpt-fit',
          max_output_tokens: MAX_TOKENS,
          instructions: system,
          tools: [{ type: 'function', name: 'build', parameters: { type: 'object' } }],
          input: [
            { role: 'user', content: question },
            ...calls.flatMap((c) => [
              { type: 'function_call', call_id: c.id, name: 'build', arguments: '{}' },
              { type: 'function_call_output', call_id: c.id, output: c.out },
            ]),
          ],
        },
      };
    case 'gemini':
      return {
        path: '/v1beta/models/gemini-fit:generateContent',
        body: {
          systemInstruction: { parts: [{ text: system }] },
          generationConfig: { maxOutputTokens: MAX_TOKENS },
          tools: [{ functionDeclarations: [{ name: 'build' }] }],
          contents: [
            { role: 'user', parts: [{ text: question }] },
            ...calls.flatMap((c) => [
              { role: 'model', parts: [{ functionCall: { name: 'build', args: {} } }] },
              { role: 'user', parts: [{ functionResponse: { name: 'build', response: { output: c.out } } }] },
            ]),
          ],
        },
      };
  }
}

const FORMATS: WireFormat[] = ['anthropic', 'openai', 'responses', 'gemini'];
const windows = { 'claude-fit': WINDOW, 'gpt-fit': WINDOW, 'gemini-fit': WINDOW };

/** A proxy whose compressors leave tool outputs whole: the history grows as fast as it can. */
const proxyOf = (options: Parameters<typeof createProxy>[0] = {}) =>
  createProxy({
    upstreamAnthropic: model.url,
    upstreamOpenAI: model.url,
    upstreamGemini: model.url,
    policy: { toolResults: false },
    contextWindows: windows,
    ...options,
  });

async function send(proxy: ReturnType<typeof createProxy>, path: string, body: unknown) {
  const response = await proxy.fetch(
    new Request(`http://127.0.0.1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: JSON.stringify(body),
    }),
  );
  await response.text();
  return { status: response.status, reached: model.received.at(-1)?.body ?? '' };
}

describe('context that always fits', () => {
  it.each(FORMATS)(
    '%s: a session that outgrows its window completes, its history folded once and then byte-stable',
    async (format) => {
      const store = createMemoryStore();
      const proxy = proxyOf({ store, firstSight: new FirstSightCache() });
      const reached: string[] = [];
      for (let turns = 1; turns <= 16; turns++) {
        const { path, body } = session(format, turns);
        const sent = await send(proxy, path, body);
        expect(sent.status, `turn ${turns}`).toBe(200);
        reached.push(sent.reached);
      }
      // The client's full history would not fit by the end; what reached the model always did.
      expect(promptOf(JSON.stringify(session(format, 16).body)) + MAX_TOKENS).toBeGreaterThan(WINDOW * 1.5);
      const results = reached.map((body) =>
        DIALECTS[format]
          .parse(JSON.parse(body))
          .segments.filter((s) => s.kind === 'tool-result')
          .map((s) => s.text),
      );
      // Once folded, an output goes out in the same bytes on every later turn; only requests that fold
      // something new rewrite any of the history the previous one sent.
      let rewrites = 0;
      let first = -1;
      for (let i = 1; i < results.length; i++) {
        const before = results[i - 1] as string[];
        const now = results[i] as string[];
        const changed = before.filter((text, k) => now[k] !== text).length;
        if (changed) rewrites++;
        if (changed && first < 0) first = i;
        for (let k = 0; k < before.length; k++)
          if (now[k] !== before[k]) expect(now[k]?.length).toBeLessThan(before[k]?.length ?? 0);
      }
      // Folding goes well under the budget, so the turns after a rewrite fit as they grow: in this
      // small window (a turn adds ~8% of it) at most every other turn rewrites, in a 200k one rarely.
      expect(rewrites).toBeGreaterThan(0);
      expect(rewrites).toBeLessThanOrEqual(Math.ceil((results.length - first) / 2));
      // The newest output is never folded, and every fold keeps the first and last lines, the error, and a key to the original.
      const last = results.at(-1) as string[];
      expect(last.at(-1)).toBe(output(15));
      const folded = last.filter((text, k) => text !== output(k));
      expect(folded.length).toBeGreaterThan(0);
      for (const text of folded) {
        const [marker] = parseMarkers(text);
        expect(marker?.key).toMatch(/^[0-9a-f]{24}$/);
        const original = await store.get(marker?.key as string);
        expect(text.startsWith(original?.original.split('\n')[0] as string)).toBe(true);
        expect(text).toContain('ERROR module_');
        expect(text.endsWith(original?.original.split('\n').at(-1) as string)).toBe(true);
      }
      const stats = proxy.stats() as ProxyStats;
      expect(stats.byTransform['context-fit']?.segments).toBeGreaterThan(0);
      expect(stats.overflowRequests).toBe(0);
    },
  );

  it('is what stands between a long session and the provider’s refusal', async () => {
    const proxy = proxyOf({ fitContext: false });
    const statuses: number[] = [];
    for (let turns = 1; turns <= 16; turns++) {
      const { path, body } = session('anthropic', turns);
      statuses.push((await send(proxy, path, body)).status);
    }
    expect(statuses).toContain(400);
  });

  it('never shrinks a window the client asked for: a 1M-token beta stays 1M', async () => {
    const proxy = proxyOf({ contextWindows: {} });
    const { path, body } = session('anthropic', 3);
    const big = { ...body, model: 'claude-sonnet-4-6' };
    const response = await proxy.fetch(
      new Request(`http://127.0.0.1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-beta': 'context-1m-2025-08-07' },
        body: JSON.stringify(big),
      }),
    );
    await response.text();
    expect(model.received.at(-1)?.body).toBe(JSON.stringify(big));
  });
});
