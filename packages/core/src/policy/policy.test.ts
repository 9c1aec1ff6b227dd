import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Segment } from '../request/segment.js';
import { looksLikeData } from './looks-like-data.js';
import { DEFAULT_POLICY, policySkipReason } from './policy.js';

const segment = (over: Partial<Segment> & Pick<Segment, 'role' | 'kind'>): Segment => ({
  index: 0,
  message: 0,
  text: 'x',
  path: [],
  query: '',
  flags: { protected: false, alreadySent: false, alreadyCompressed: false, retrieved: false },
  ...over,
});
const flags = (f: Partial<Segment['flags']>) => ({ ...segment({ role: 'tool', kind: 'tool-result' }).flags, ...f });

describe('policySkipReason', () => {
  const big = 1000;
  it('compresses tool results and leaves system, assistant and user prose alone by default', () => {
    expect(policySkipReason(segment({ role: 'tool', kind: 'tool-result' }), big, DEFAULT_POLICY)).toBeUndefined();
    expect(policySkipReason(segment({ role: 'system', kind: 'text' }), big, DEFAULT_POLICY)).toBe('system-prompt');
    expect(policySkipReason(segment({ role: 'assistant', kind: 'text' }), big, DEFAULT_POLICY)).toBe('assistant-text');
    expect(
      policySkipReason(segment({ role: 'user', kind: 'text', text: 'Please fix the bug.' }), big, DEFAULT_POLICY),
    ).toBe('user-prose');
    expect(
      policySkipReason(segment({ role: 'user', kind: 'text', text: '{"a": 1}' }), big, DEFAULT_POLICY),
    ).toBeUndefined();
    expect(policySkipReason(segment({ role: 'system', kind: 'tool-schema' }), big, DEFAULT_POLICY)).toBe('tool-schema');
  });

  it('reports every other reason', () => {
    const tool = { role: 'tool', kind: 'tool-result' } as const;
    expect(policySkipReason(segment(tool), 10, DEFAULT_POLICY)).toBe('below-threshold');
    expect(
      policySkipReason(segment({ ...tool, toolName: 'read' }), big, { ...DEFAULT_POLICY, excludeTools: ['read'] }),
    ).toBe('excluded-tool');
    expect(policySkipReason(segment({ ...tool, flags: flags({ protected: true }) }), big, DEFAULT_POLICY)).toBe(
      'protected',
    );
    expect(policySkipReason(segment({ ...tool, flags: flags({ retrieved: true }) }), big, DEFAULT_POLICY)).toBe(
      'retrieved',
    );
    expect(policySkipReason(segment({ ...tool, flags: flags({ alreadySent: true }) }), big, DEFAULT_POLICY)).toBe(
      'already-sent',
    );
    expect(policySkipReason(segment({ ...tool, flags: flags({ alreadyCompressed: true }) }), big, DEFAULT_POLICY)).toBe(
      'already-compressed',
    );
  });

  it('compresses what the caller opts into', () => {
    const all = { ...DEFAULT_POLICY, system: true, assistant: true, userProse: true };
    expect(policySkipReason(segment({ role: 'system', kind: 'text' }), 1000, all)).toBeUndefined();
    expect(policySkipReason(segment({ role: 'assistant', kind: 'text' }), 1000, all)).toBeUndefined();
    expect(
      policySkipReason(segment({ role: 'user', kind: 'text', text: 'Please fix it.' }), 1000, all),
    ).toBeUndefined();
  });
});

describe('looksLikeData', () => {
  const dataset = (name: string) =>
    JSON.parse(
      readFileSync(
        new URL(`../../../../../shared/datasets/agent_tool_outputs_dev/${name}.json`, import.meta.url),
        'utf8',
      ),
    ).content as string;

  it('recognises pasted machine output', () => {
    expect(looksLikeData('[{"id": 1}]')).toBe(true);
    expect(looksLikeData('<html><body>hi</body></html>')).toBe(true);
    const log = Array.from(
      { length: 20 },
      (_, i) => `2024-05-01 12:00:${String(i).padStart(2, '0')} INFO worker=${i} ok`,
    ).join('\n');
    expect(looksLikeData(log)).toBe(true);
  });

  it('recognises real tool outputs when the datasets are present', () => {
    let names: string[];
    try {
      names = ['d03_grep_code_search', 'd05_ls_long', 'd08_python_app_log'].filter((n) => dataset(n).length > 0);
    } catch {
      return; // datasets live beside the checkout; their absence is not this test's concern
    }
    for (const name of names) expect(looksLikeData(dataset(name)), name).toBe(true);
  });

  it('leaves the user’s own prose alone', () => {
    const prose = Array.from(
      { length: 10 },
      (_, i) =>
        `Step ${i}: please look at the failing test in the parser and explain why the output differs from what we expect.`,
    ).join('\n');
    expect(looksLikeData(prose)).toBe(false);
    expect(looksLikeData('Fix the login bug please.')).toBe(false);
  });
});
