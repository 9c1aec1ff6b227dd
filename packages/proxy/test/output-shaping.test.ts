import { FirstSightCache, OUTPUT_SHAPING_TAG, verbosityInstruction, type WireFormat } from '@headroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy, type HeadroomProxy } from '../src/proxy.js';
import type { ProxyStats } from '../src/stats.js';
import { type ScriptedModel, startScriptedModel } from '../src/testing/index.js';

/** Replies of 60 output tokens to a shaped request and 100 to any other: a known effect of 40%. */
let model: ScriptedModel;
beforeAll(async () => {
  model = await startScriptedModel((request) => ({
    text: 'done',
    usage: { input: 50, output: request.body.includes(OUTPUT_SHAPING_TAG) ? 60 : 100 },
  }));
});
afterAll(() => model.close());

const proxyOf = (options: Parameters<typeof createProxy>[0] = {}) =>
  createProxy({
    upstreamAnthropic: model.url,
    upstreamOpenAI: model.url,
    upstreamGemini: model.url,
    ...options,
  });

/** A conversation's two requests in each format: the question, then the turn after a successful tool call. */
function conversation(format: WireFormat, n: number, stream: boolean): { path: string; bodies: unknown[] } {
  const question = `Which files changed in release ${n}?`;
  const listing = 'src/a.ts\nsrc/b.ts';
  switch (format) {
    case 'anthropic': {
      const base = {
        model: 'claude-sonnet-4-6',
        max_tokens: 2048,
        stream,
        system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }],
        tools: [{ name: 'ls', input_schema: { type: 'object' } }],
        thinking: { type: 'adaptive' },
        output_config: { effort: 'high' },
      };
      const first = [{ role: 'user', content: question }];
      return {
        path: '/v1/messages',
        bodies: [
          { ...base, messages: first },
          {
            ...base,
            messages: [
              ...first,
              { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'ls', input: {} }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: listing }] },
            ],
          },
        ],
      };
    }
    case 'openai': {
      const base = {
        model: 'gpt-5',
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
        reasoning_effort: 'high',
        tools: [{ type: 'function', function: { name: 'ls', parameters: { type: 'object' } } }],
      };
      const first = [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: question },
      ];
      return {
        path: '/v1/chat/completions',
        bodies: [
          { ...base, messages: first },
          {
            ...base,
            messages: [
              ...first,
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 't1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
              },
              { role: 'tool', tool_call_id: 't1', content: listing },
            ],
          },
        ],
      };
    }
    case 'responses': {
      const base = {
        model: 'gpt-5',
        stream,
        instructions: 'You are a coding agent.',
        reasoning: { effort: 'high' },
        tools: [{ type: 'function', name: 'ls', parameters: { type: 'object' } }],
      };
      const first = [{ role: 'user', content: question }];
      return {
        path: '/v1/responses',
        bodies: [
          { ...base, input: first },
          {
            ...base,
            input: [
              ...first,
              { type: 'function_call', call_id: 't1', name: 'ls', arguments: '{}' },
              { type: 'function_call_output', call_id: 't1', output: listing },
            ],
          },
        ],
      };
    }
    case 'gemini': {
      const base = {
        systemInstruction: { parts: [{ text: 'You are a coding agent.' }] },
        tools: [{ functionDeclarations: [{ name: 'ls' }] }],
        generationConfig: { thinkingConfig: { thinkingLevel: 'high' } },
      };
      const first = [{ role: 'user', parts: [{ text: question }] }];
      return {
        path: `/v1beta/models/gemini-2.5-pro:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        bodies: [
          { ...base, contents: first },
          {
            ...base,
            contents: [
              ...first,
              { role: 'model', parts: [{ functionCall: { name: 'ls', args: {} } }] },
              { role: 'user', parts: [{ functionResponse: { name: 'ls', response: { output: listing } } }] },
            ],
          },
        ],
      };
    }
  }
}

async function send(proxy: HeadroomProxy, path: string, body: unknown): Promise<string> {
  const response = await proxy.fetch(
    new Request(`http://127.0.0.1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', authorization: 'Bearer k' },
      body: JSON.stringify(body),
    }),
  );
  expect(response.status).toBe(200);
  await response.text();
  return model.received.at(-1)?.body ?? '';
}

const FORMATS: WireFormat[] = ['anthropic', 'openai', 'responses', 'gemini'];

describe('output shaping in the proxy, in every wire format', () => {
  it('measures the saving against a holdout, and shapes every request of a shaped session the same way', async () => {
    const proxy = proxyOf({ outputShaper: { level: 2, holdout: 0.3 } });
    const instruction = JSON.stringify(verbosityInstruction(2)).slice(1, -1);
    let shapedSessions = 0;
    let heldSessions = 0;
    for (const format of FORMATS) {
      for (let n = 0; n < 24; n++) {
        const { path, bodies } = conversation(format, n, n % 2 === 0);
        const [first, second] = [await send(proxy, path, bodies[0]), await send(proxy, path, bodies[1])];
        const shaped = first.includes(OUTPUT_SHAPING_TAG);
        // Decided once per session: both requests shaped, or neither.
        expect(second.includes(OUTPUT_SHAPING_TAG)).toBe(shaped);
        if (!shaped) {
          heldSessions++;
          continue;
        }
        shapedSessions++;
        expect(first.split(instruction)).toHaveLength(2);
        // The instruction ends the system prompt, and what the client sent before it is as sent.
        const sentSystem = JSON.stringify(
          (bodies[0] as Record<string, unknown>).system ??
            (bodies[0] as Record<string, unknown>).systemInstruction ??
            (bodies[0] as Record<string, unknown>).instructions ??
            ((bodies[0] as { messages: unknown[] }).messages[0] as { content: string }).content,
        );
        const opening = sentSystem.endsWith(']}') ? sentSystem.slice(0, -2) : sentSystem.slice(0, -1);
        expect(first).toContain(opening);
        expect(second).toContain(opening);
        // Effort routing is off by default: the resumed turn keeps the client's effort.
        expect(second).toContain('"high"');
      }
    }
    expect(shapedSessions).toBeGreaterThan(50);
    expect(heldSessions).toBeGreaterThan(15);
    const stats = proxy.stats() as ProxyStats;
    const output = stats.outputShaping;
    expect(output.basis).toBe('measured');
    // Every shaped reply was 60 tokens and every held-out one 100: a saving of exactly 40 tokens a turn.
    expect(output.savedTokens).toBe(shapedSessions * 2 * 40);
    expect(output.savedShare).toBe(0.4);
    expect(output.low).toBe(output.savedTokens);
    expect(output.uncoveredTurns).toBe(0);
    expect(new Set(output.strata.map((s) => s.turn))).toEqual(new Set(['ask', 'resume']));
    expect(stats.outputTokens).toBe(shapedSessions * 2 * 60 + heldSessions * 2 * 100);
  });

  it('lowers the client’s effort only on turns that resume after tool results, when effort routing is on', async () => {
    const proxy = proxyOf({ outputShaper: { level: 1, effortRouting: true } });
    for (const format of FORMATS) {
      const { path, bodies } = conversation(format, 100, false);
      const [ask, resume] = [await send(proxy, path, bodies[0]), await send(proxy, path, bodies[1])];
      expect(ask).toContain('"high"');
      expect(resume).not.toContain('"high"');
      expect(resume).toContain('"low"');
    }
  });

  it('never shapes a session that began without the shaper, and counts its turns as the baseline', async () => {
    const firstSight = new FirstSightCache();
    const before = proxyOf({ firstSight });
    const { path, bodies } = conversation('anthropic', 200, true);
    expect(await send(before, path, bodies[0])).not.toContain(OUTPUT_SHAPING_TAG);
    // The proxy restarts with the shaper on, sharing its first sights: the session stays unshaped.
    const after = proxyOf({ firstSight, outputShaper: { level: 2 } });
    expect(await send(after, path, bodies[1])).not.toContain(OUTPUT_SHAPING_TAG);
    // A new conversation is shaped; with baseline turns of its stratum, the figure is an estimate.
    const next = conversation('anthropic', 201, true);
    expect(await send(after, next.path, next.bodies[0])).toContain(OUTPUT_SHAPING_TAG);
    const other = conversation('anthropic', 202, true);
    await send(after, other.path, other.bodies[0]);
    const more = conversation('anthropic', 203, true);
    await send(before, more.path, more.bodies[0]);
    await send(before, more.path, more.bodies[1]);
    const output = (before.stats() as ProxyStats).outputShaping;
    expect(output.basis).toBe('none');
    const shapedOnly = (after.stats() as ProxyStats).outputShaping;
    expect(shapedOnly.shapedTurns).toBe(2);
  });
});
