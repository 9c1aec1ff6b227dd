import { describe, expect, it } from 'vitest';
import { spliceJsonText } from './json-splice.js';

describe('spliceJsonText', () => {
  const text =
    '{\n  "n": 1e3, "big": 12345678901234567890,\n  "messages": [ {"content": "old \\u00e9"}, {"content": "keep"} ]\n}';

  it('replaces only the edited strings and keeps every other byte', () => {
    expect(spliceJsonText(text, [{ path: ['messages', 0, 'content'], text: 'new "quoted"\n' }])).toBe(
      '{\n  "n": 1e3, "big": 12345678901234567890,\n  "messages": [ {"content": "new \\"quoted\\"\\n"}, {"content": "keep"} ]\n}',
    );
  });

  it('returns the text itself when there is nothing to edit', () => {
    expect(spliceJsonText(text, [])).toBe(text);
  });

  it('edits the last of duplicate keys, as JSON.parse reads it', () => {
    expect(spliceJsonText('{"a": "x", "a": "y"}', [{ path: ['a'], text: 'z' }])).toBe('{"a": "x", "a": "z"}');
  });

  it('handles keys with escapes and strings containing brackets', () => {
    const src = '{"we\\"ird": ["[{,}]", "b"]}';
    expect(spliceJsonText(src, [{ path: ['we"ird', 1], text: 'c' }])).toBe('{"we\\"ird": ["[{,}]", "c"]}');
  });

  it('gives up when a path leads nowhere or the text is not one JSON document', () => {
    expect(spliceJsonText(text, [{ path: ['messages', 5, 'content'], text: 'x' }])).toBeUndefined();
    expect(spliceJsonText('{"a": "x"}\n{"a": "y"}', [{ path: ['a'], text: 'z' }])).toBeUndefined();
    expect(spliceJsonText('not json', [{ path: ['a'], text: 'z' }])).toBeUndefined();
  });
});
