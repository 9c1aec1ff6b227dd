import { describe, expect, it } from 'vitest';
import { scanJson } from './json-scanner.js';

const minify = (text: string) => {
  const scan = scanJson(text);
  return scan.ok ? scan.minified : null;
};

describe('scanJson', () => {
  it('removes only insignificant whitespace', () => {
    expect(minify('{\n  "a" : [ 1 , 2 ],\n  "b": { }\n}')).toBe('{"a":[1,2],"b":{}}');
  });

  it('keeps number literals, escapes, key order, duplicate keys and Unicode exactly as written', () => {
    const text =
      '{ "z": 12345678901234567890, "a": 1e3, "m": -0.0, "e": 1E+2, "s": "tab\\t \\u00e9 \\" é 😀", "a": null }';
    expect(minify(text)).toBe(
      '{"z":12345678901234567890,"a":1e3,"m":-0.0,"e":1E+2,"s":"tab\\t \\u00e9 \\" é 😀","a":null}',
    );
  });

  it('keeps whitespace inside strings', () => {
    expect(minify('[ "a  b\\n  c" ]')).toBe('["a  b\\n  c"]');
  });

  it('handles any nesting depth without recursion', () => {
    const depth = 200_000;
    const text = `${'[ '.repeat(depth)}1${' ]'.repeat(depth)}`;
    expect(minify(text)).toBe(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
  });

  it('accepts newline-separated documents (NDJSON) and keeps one per line', () => {
    expect(scanJson('{"a": 1}\n\n{"b": [2, 3]}\n')).toEqual({
      ok: true,
      minified: '{"a":1}\n{"b":[2,3]}',
      documents: 2,
    });
  });

  it.each([
    ['', 'empty'],
    ['42', 'bare scalar'],
    ['"text"', 'bare string'],
    ['{"a": 1} {"b": 2}', 'two documents on one line'],
    ['{"a": 1,}', 'trailing comma'],
    ['[1 2]', 'missing comma'],
    ["{'a': 1}", 'single quotes'],
    ['{"a": 01}', 'leading zero'],
    ['{"a": 1.}', 'bare decimal point'],
    ['{"a": .5}', 'missing integer part'],
    ['{"a": NaN}', 'NaN'],
    ['{"a": tru}', 'broken literal'],
    ['{"a": "\\x"}', 'bad escape'],
    ['{"a": "\\u12g4"}', 'bad unicode escape'],
    ['{"a": "line\nbreak"}', 'raw control character in string'],
    ['{"a": 1', 'unterminated object'],
    ['[1, 2]]', 'extra closer'],
    ['{"a" 1}', 'missing colon'],
    ['{1: 2}', 'non-string key'],
    ['[1]x', 'trailing garbage'],
    ['{"a": 12abc}', 'number glued to letters'],
  ])('rejects %j (%s)', (text) => {
    expect(scanJson(text).ok).toBe(false);
  });
});
