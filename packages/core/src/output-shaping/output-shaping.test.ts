import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/fixtures.js';
import { DIALECTS } from '../dialects/registry.js';
import type { WireFormat } from '../request/segment.js';
import { verbosityInstruction } from './instruction.js';
import { armFor, armOfText, armText } from './session-arm.js';
import { shapeOutput } from './shape-output.js';

interface AgentFixture {
  readonly format: WireFormat;
  readonly requests: readonly { readonly body: Record<string, unknown> }[];
}

const agent = (name: string) => loadFixture(`agents/${name}.json`) as unknown as AgentFixture;
const routed = { arm: 'shaped', level: 2, effortRouting: true } as const;

describe('the turn kind of requests captured from the real agents', () => {
  // Each agent's first request opens with the user's question; its second follows the model's tool call.
  it.each([
    // Claude Code's scripted Bash call failed: its tool_result has is_error.
    ['claude', 'ask', 'error'],
    ['codex', 'ask', 'resume'],
    ['opencode', 'ask', 'resume'],
    ['pi', 'ask', 'resume'],
    // Gemini CLI's scripted read_file failed: its functionResponse carries an `error`.
    ['gemini', 'ask', 'error'],
  ])('%s: %s, then %s', (name, first, second) => {
    const { format, requests } = agent(name);
    expect(requests.map((r) => DIALECTS[format].turnKind(r.body))).toEqual([first, second]);
  });
});

describe('effort routing on the real agents’ settings', () => {
  const lowered = (name: string, index: number) => {
    const { format, requests } = agent(name);
    const body = requests[index]?.body as Record<string, unknown>;
    const text = JSON.stringify(body);
    return { before: body, after: JSON.parse(shapeOutput(text, body, format, routed).text) };
  };

  it('lowers Claude Code’s output_config.effort on a resumed turn, keeping adaptive thinking as it is', () => {
    const { format, requests } = agent('claude');
    const before = structuredClone(requests[1]?.body) as Record<string, unknown> & { messages: { content: unknown }[] };
    expect(lowered('claude', 1).after.output_config).toEqual({ effort: 'medium' }); // after a failed call: full effort
    const results = (before.messages.at(-1)?.content ?? []) as Record<string, unknown>[];
    for (const block of results) delete block.is_error;
    const after = JSON.parse(shapeOutput(JSON.stringify(before), before, format, routed).text);
    expect(before.output_config).toEqual({ effort: 'medium' });
    expect(after.output_config).toEqual({ effort: 'low' });
    expect(after.thinking).toEqual(before.thinking);
  });

  it('lowers pi’s thinking budget to 1,024 tokens and leaves thinking enabled', () => {
    const { before, after } = lowered('pi', 1);
    expect(before.thinking).toMatchObject({ type: 'enabled', budget_tokens: 8192 });
    expect(after.thinking).toEqual({ ...(before.thinking as object), budget_tokens: 1024 });
  });

  it('keeps full effort on a failed tool (Gemini CLI) and on a new question (every agent)', () => {
    expect(lowered('gemini', 1).after.generationConfig).toEqual(lowered('gemini', 1).before.generationConfig);
    for (const name of ['claude', 'codex', 'gemini', 'opencode', 'pi']) {
      const { before, after } = lowered(name, 0);
      for (const key of ['output_config', 'thinking', 'reasoning', 'generationConfig'])
        expect(after[key]).toEqual(before[key]);
    }
  });

  it('leaves an effort already at low (Codex) and adds none where the client set none (opencode)', () => {
    expect(lowered('codex', 1).after.reasoning).toEqual(lowered('codex', 1).before.reasoning);
    const { before, after } = lowered('opencode', 1);
    for (const key of ['output_config', 'thinking', 'reasoning']) expect(after[key]).toEqual(before[key]);
  });

  it('lowers Gemini’s thinking level in the client’s own spelling, and a budget; leaves a dynamic budget', () => {
    const request = (thinkingConfig: Record<string, unknown>) => ({
      contents: [{ role: 'user', parts: [{ functionResponse: { name: 'ls', response: { output: 'a.txt' } } }] }],
      generationConfig: { thinkingConfig },
    });
    const shape = (config: Record<string, unknown>) => {
      const body = request(config);
      return JSON.parse(shapeOutput(JSON.stringify(body), body, 'gemini', routed).text).generationConfig.thinkingConfig;
    };
    expect(shape({ thinkingLevel: 'HIGH' })).toEqual({ thinkingLevel: 'LOW' });
    expect(shape({ thinkingBudget: 8192 })).toEqual({ thinkingBudget: 1024 });
    expect(shape({ thinkingBudget: -1 })).toEqual({ thinkingBudget: -1 });
    expect(shape({ thinkingBudget: 0 })).toEqual({ thinkingBudget: 0 });
  });

  it('lowers Chat Completions’ reasoning_effort and Responses’ reasoning.effort, never a minimal one', () => {
    const chat = (effort: string) => ({
      model: 'o4-mini',
      reasoning_effort: effort,
      messages: [
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'ls' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'a.txt\nb.txt' },
      ],
    });
    const shapeChat = (effort: string) =>
      JSON.parse(shapeOutput(JSON.stringify(chat(effort)), chat(effort), 'openai', routed).text).reasoning_effort;
    expect(shapeChat('high')).toBe('low');
    expect(shapeChat('minimal')).toBe('minimal');
    const responses = {
      reasoning: { effort: 'medium', summary: 'auto' },
      input: [
        { type: 'function_call', call_id: 'c1', name: 'ls', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
      ],
    };
    const out = JSON.parse(shapeOutput(JSON.stringify(responses), responses, 'responses', routed).text);
    expect(out.reasoning).toEqual({ effort: 'low', summary: 'auto' });
  });

  it('routes no effort when the arm does not, and shapes nothing outside the shaped arm', () => {
    const { format, requests } = agent('claude');
    const body = requests[1]?.body as Record<string, unknown>;
    const text = JSON.stringify(body);
    const instructedOnly = shapeOutput(text, body, format, { arm: 'shaped', level: 1, effortRouting: false });
    expect(JSON.parse(instructedOnly.text).output_config).toEqual({ effort: 'medium' });
    expect(instructedOnly.text).toContain(JSON.stringify(verbosityInstruction(1)).slice(1, -1));
    for (const arm of [{ arm: 'off' }, { arm: 'holdout' }] as const)
      expect(shapeOutput(text, body, format, arm).text).toBe(text);
  });
});

describe('the verbosity instruction', () => {
  it('goes after Claude Code’s system blocks as a block of its own, theirs and their cache breakpoints untouched', () => {
    const { requests } = agent('claude');
    const body = requests[0]?.body as { system: Record<string, unknown>[] };
    const out = JSON.parse(shapeOutput(JSON.stringify(body), body, 'anthropic', routed).text);
    expect(out.system.slice(0, -1)).toEqual(body.system);
    expect(out.system.at(-1)).toEqual({ type: 'text', text: verbosityInstruction(2) });
  });

  it('is short, and grows with the level', () => {
    const sizes = ([1, 2, 3] as const).map((level) => verbosityInstruction(level).length);
    expect(sizes[0]).toBeLessThan(sizes[1] as number);
    expect(sizes[1]).toBeLessThan(sizes[2] as number);
    expect(sizes[2]).toBeLessThan(700);
  });
});

describe('a session’s arm', () => {
  const settings = { level: 2, holdout: 0.1 } as const;

  it('is the same for a conversation on every call, and the control group is about the share asked for', () => {
    let held = 0;
    for (let i = 0; i < 5000; i++) {
      const arm = armFor(`session-${i}`, settings);
      expect(armFor(`session-${i}`, settings)).toEqual(arm);
      if (arm.arm === 'holdout') held++;
    }
    expect(held / 5000).toBeGreaterThan(0.08);
    expect(held / 5000).toBeLessThan(0.12);
  });

  it('is off without settings, and reads back as written; a session from before output shaping is off', () => {
    expect(armFor('s', undefined)).toEqual({ arm: 'off' });
    for (const arm of [
      { arm: 'off' },
      { arm: 'holdout' },
      { arm: 'shaped', level: 3, effortRouting: true },
      { arm: 'shaped', level: 1, effortRouting: false },
    ] as const)
      expect(armOfText(armText(arm))).toEqual(arm);
    expect(armOfText('')).toEqual({ arm: 'off' });
  });
});
