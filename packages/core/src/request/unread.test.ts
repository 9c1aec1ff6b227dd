import { describe, expect, it } from 'vitest';
import { compress } from '../compress.js';
import { createRepeatFold } from '../transforms/repeat-fold/repeat-fold.js';
import { unreadText } from './unread.js';
import { parseRequest } from './wire.js';

describe('unreadText', () => {
  it('gives the text no segment holds — an item of a kind the parser does not read — and leaves out blobs', () => {
    const request = {
      model: 'gpt-5',
      input: [
        { role: 'user', content: 'Summarise the patch.' },
        { type: 'future_tool_output', call_id: 'c1', output: 'a long output the parser does not know' },
        { type: 'reasoning', encrypted_content: 'A'.repeat(400) },
      ],
    };
    const segments = parseRequest(request, 'responses').segments;
    const unread = unreadText(request, segments);
    expect(unread).toContain('a long output the parser does not know');
    expect(unread).not.toContain('Summarise the patch.');
    expect(unread).not.toContain('AAAA');
  });

  it('makes a request’s tokensBefore count what was not read, on both sides', async () => {
    const output = Array.from({ length: 300 }, (_, i) => `line ${i} of an output in an unknown item`).join('\n');
    const request = {
      model: 'gpt-5',
      input: [
        { role: 'user', content: 'hi' },
        { type: 'future_tool_output', call_id: 'c1', output },
      ],
    };
    const result = await compress(request, { transforms: [createRepeatFold()] });
    expect(result.tokensBefore).toBeGreaterThan(2000);
    expect(result.tokensAfter).toBe(result.tokensBefore);
  });
});
