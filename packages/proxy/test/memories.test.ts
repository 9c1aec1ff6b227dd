import { DIALECTS } from '@headroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy } from '../src/proxy.js';
import { json, startUpstream } from './fake-upstream.js';

let upstream: Awaited<ReturnType<typeof startUpstream>>;
beforeAll(async () => {
  upstream = await startUpstream((_req, res) => json(res, 200, { id: 'm', type: 'message', content: [] }));
});
afterAll(() => upstream.close());

describe('memories in the proxy (opt-in)', () => {
  it('adds the memories chosen for a session’s opening to every request of the session, unchanged', async () => {
    const asked: string[] = [];
    let saved = ['- Tests run with pnpm test'];
    const proxy = createProxy({
      upstreamAnthropic: upstream.url,
      memories: async (question) => {
        asked.push(question);
        return `Relevant memories:\n${saved.join('\n')}`;
      },
    });
    const send = async (messages: unknown[]) => {
      await proxy.fetch(
        new Request('http://127.0.0.1/v1/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body: JSON.stringify({
            model: 'claude-sonnet-4-5',
            max_tokens: 100,
            system: 'You are a coding agent.',
            messages,
          }),
        }),
      );
      return upstream.received.at(-1)?.body ?? '';
    };
    const opening = [{ role: 'user', content: 'How do I run the tests?' }];
    const first = await send(opening);
    expect(JSON.parse(first).system).toBe('You are a coding agent.\n\nRelevant memories:\n- Tests run with pnpm test');
    // A memory saved mid-session does not change what this session was given.
    saved = [...saved, '- Lint with pnpm lint'];
    const second = await send([
      ...opening,
      { role: 'assistant', content: 'Run pnpm test.' },
      { role: 'user', content: 'And lint?' },
    ]);
    expect(second.startsWith(first.slice(0, first.indexOf('"messages"')))).toBe(true);
    expect(asked).toEqual(['How do I run the tests?']);
    // A new session gets the memories as they are now.
    const other = await send([{ role: 'user', content: 'Where is the lint config?' }]);
    expect(JSON.parse(other).system).toContain('- Lint with pnpm lint');
  });

  it('writes the block into each format’s system prompt in the client’s own bytes', () => {
    const block = 'Relevant memories:\n- x';
    const inject = (text: string, format: 'openai' | 'anthropic' | 'responses') =>
      DIALECTS[format].addToSystemPrompt(text, JSON.parse(text), block);
    expect(inject('{"model":"m",  "messages":[{"role":"user","content":"q"}]}', 'openai')).toBe(
      '{"model":"m",  "messages":[{"role":"system","content":"Relevant memories:\\n- x"},{"role":"user","content":"q"}]}',
    );
    expect(inject('{"messages":[{"role":"developer","content":"Be brief."}]}', 'openai')).toBe(
      '{"messages":[{"role":"developer","content":"Be brief.\\n\\nRelevant memories:\\n- x"}]}',
    );
    expect(inject('{"model":"m","messages":[]}', 'anthropic')).toBe(
      '{"system":"Relevant memories:\\n- x","model":"m","messages":[]}',
    );
    expect(
      inject('{"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}}],"messages":[]}', 'anthropic'),
    ).toBe(
      // A block of its own: the client's, and its cache breakpoint, stay as sent.
      '{"system":[{"type":"text","text":"S","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Relevant memories:\\n- x"}],"messages":[]}',
    );
    expect(inject('{"instructions":"I","input":"q"}', 'responses')).toBe(
      '{"instructions":"I\\n\\nRelevant memories:\\n- x","input":"q"}',
    );
  });
});
