import { describe, expect, it } from 'vitest';
import { SessionRegister, sessionOf } from './session.js';

describe('sessionOf', () => {
  const turn1 = {
    system: 'You are a coding agent.',
    tools: [{ name: 'bash' }],
    messages: [{ role: 'user', content: 'Fix the failing test.' }],
  };
  const turn2 = {
    ...turn1,
    messages: [...turn1.messages, { role: 'assistant', content: 'Running it.' }, { role: 'user', content: 'go on' }],
  };

  it('gives every request of one conversation the same id, and another conversation another', () => {
    expect(sessionOf(turn2, null, 'anthropic')).toBe(sessionOf(turn1, null, 'anthropic'));
    expect(sessionOf({ ...turn1, messages: [{ role: 'user', content: 'Write docs.' }] }, null, 'anthropic')).not.toBe(
      sessionOf(turn1, null, 'anthropic'),
    );
    expect(sessionOf(turn1, null, 'anthropic')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is not moved by a cache breakpoint that moves from turn to turn', () => {
    const block = (marked: boolean) => ({
      type: 'text',
      text: 'Fix the failing test.',
      ...(marked ? { cache_control: { type: 'ephemeral' } } : {}),
    });
    const first = { ...turn1, messages: [{ role: 'user', content: [block(true)] }] };
    const later = {
      ...turn1,
      messages: [
        { role: 'user', content: [block(false)] },
        { role: 'assistant', content: 'ok' },
      ],
    };
    expect(sessionOf(later, null, 'anthropic')).toBe(sessionOf(first, null, 'anthropic'));
  });

  it('takes the x-headroom-session header over the hash', () => {
    expect(sessionOf(turn1, ' ticket-42 ', 'anthropic')).toBe('ticket-42');
  });

  it('reads each format’s opening: Chat system messages, Responses input, Gemini contents and function declarations', () => {
    const chat = {
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'q' },
      ],
    };
    expect(
      sessionOf({ ...chat, messages: [...chat.messages, { role: 'assistant', content: 'a' }] }, null, 'openai'),
    ).toBe(sessionOf(chat, null, 'openai'));
    const gemini = {
      systemInstruction: { parts: [{ text: 's' }] },
      contents: [{ role: 'user', parts: [{ text: 'q' }] }],
      tools: [{ functionDeclarations: [{ name: 'run_shell_command' }] }],
    };
    const later = { ...gemini, contents: [...gemini.contents, { role: 'model', parts: [{ text: 'a' }] }] };
    expect(sessionOf(later, null, 'gemini')).toBe(sessionOf(gemini, null, 'gemini'));
    expect(sessionOf({ ...gemini, tools: [] }, null, 'gemini')).not.toBe(sessionOf(gemini, null, 'gemini'));
    expect(sessionOf({ instructions: 'i', input: 'q' }, null, 'responses')).not.toBe(
      sessionOf({ instructions: 'i', input: 'r' }, null, 'responses'),
    );
  });
});

describe('SessionRegister', () => {
  it('counts sessions and their requests, forgetting the oldest beyond its capacity', () => {
    const register = new SessionRegister(2);
    expect(register.note('a')).toBe(1);
    expect(register.note('a')).toBe(2);
    register.note('b');
    register.note('c');
    expect(register.count).toBe(3);
    expect(register.note('a')).toBe(1);
  });
});
