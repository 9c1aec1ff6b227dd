import { describe, expect, it } from 'vitest';
import { editValuesAt, valueSpansAt } from './json-text.js';

/** Spacing and key order a client chose; an edit must keep every byte it does not touch. */
const TEXT =
  '{"model": "m",\n  "messages":[ {"role":"user","content":[{"type":"image","data":"QUJD"} , {"type":"text","text":"a, b] {c}"}]} ],"n":1.5e3}';

describe('values located in JSON text without re-serialising it', () => {
  it('finds the spans of several paths in one walk, strings with brackets and commas included', () => {
    const spans = valueSpansAt(TEXT, [
      ['messages', 0, 'content', 0],
      ['messages', 0, 'content', 1, 'text'],
      ['n'],
      ['absent'],
    ]);
    const at = (path: (string | number)[]) => {
      const span = spans.get(JSON.stringify(path));
      return span && TEXT.slice(span[0], span[1]);
    };
    expect(at(['messages', 0, 'content', 0])).toBe('{"type":"image","data":"QUJD"}');
    expect(at(['messages', 0, 'content', 1, 'text'])).toBe('"a, b] {c}"');
    expect(at(['n'])).toBe('1.5e3');
    expect(at(['absent'])).toBeUndefined();
  });
});

describe('values edited in JSON text', () => {
  it('replaces one value and inserts an element after another, every other byte kept', () => {
    const out = editValuesAt(TEXT, [
      { path: ['messages', 0, 'content', 0, 'data'], value: '"WFla"' },
      { path: ['messages', 0, 'content', 0], after: '{"type":"text","text":"note"}' },
    ]);
    expect(out).toBe(TEXT.replace('"QUJD"}', '"WFla"},{"type":"text","text":"note"}'));
    expect(JSON.parse(out as string).messages[0].content.map((p: { type: string }) => p.type)).toEqual([
      'image',
      'text',
      'text',
    ]);
  });

  it('refuses a path that leads nowhere and edits that overlap', () => {
    expect(editValuesAt(TEXT, [{ path: ['messages', 3], value: 'null' }])).toBeUndefined();
    expect(
      editValuesAt(TEXT, [
        { path: ['messages', 0, 'content', 0], value: '{}' },
        { path: ['messages', 0, 'content', 0, 'data'], value: '""' },
      ]),
    ).toBeUndefined();
    expect(editValuesAt(TEXT, [])).toBe(TEXT);
  });
});
