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
    expect(sessionOf(turn2, null)).toBe(sessionOf(turn1, null));
    expect(sessionOf({ ...turn1, messages: [{ role: 'user', content: 'Write docs.' }] }, null)).not.toBe(
      sessionOf(turn1, null),
    );
    expect(sessionOf(turn1, null)).toMatch(/^[0-9a-f]{16}$/);
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
    expect(sessionOf(later, null)).toBe(sessionOf(first, null));
  });

  it('takes the x-headroom-session header over the hash', () => {
    expect(sessionOf(turn1, ' ticket-42 ')).toBe('ticket-42');
  });

  it('recognises OpenAI system messages and Responses input too', () => {
    const chat = {
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'q' },
      ],
    };
    expect(sessionOf({ ...chat, messages: [...chat.messages, { role: 'assistant', content: 'a' }] }, null)).toBe(
      sessionOf(chat, null),
    );
    expect(sessionOf({ instructions: 'i', input: 'q' }, null)).not.toBe(
      sessionOf({ instructions: 'i', input: 'r' }, null),
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
