import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compressToolTurn } from '../src/agent-turn.js';
import { blindStatus } from '../src/check.js';
import { loadToolQaCases } from '../src/suites/tool-qa.js';

// Real outputs captured on a machine (see data/tool-outputs-captured/PROVENANCE.md), each with an
// answer outside the line its question matches: compressed without the question, the answer is
// visible or a retrieve returns it — with the question, and with one identifier of it — within
// the first 1,000 tokens of what comes back.
const cases = loadToolQaCases(fileURLToPath(new URL('../data/tool-outputs-captured', import.meta.url)));

describe('compressed without the question, nothing is lost', () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const turn = await compressToolTurn({
      question: 'Carry on with the task.',
      toolName: 'run_command',
      toolArgs: { kind: c.kind },
      content: c.content,
    });
    const outcome = await blindStatus(turn.text, c.answer, turn.store, turn.keys, c.question);
    expect(outcome.status).not.toBe('lost');
    if (outcome.status === 'recoverable') {
      expect(outcome.byQuestion).toBe(true);
      expect(outcome.byIdentifier).toBe(true);
      expect(outcome.answerAtToken).toBeLessThan(1000);
    }
  });
});
