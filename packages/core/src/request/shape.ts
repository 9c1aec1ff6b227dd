import { InvalidRequestError } from '../errors/headroom-error.js';
import { formatPath, isRecord, type JsonRecord } from './json-path.js';
import type { JsonPath, WireFormat } from './segment.js';

/** Each wire format's name, as messages name it. */
export const FORMAT_NAMES: Readonly<Record<WireFormat, string>> = {
  openai: 'OpenAI Chat Completions',
  anthropic: 'Anthropic Messages',
  responses: 'OpenAI Responses',
  gemini: 'Gemini generateContent',
};

/** Throws a one-line InvalidRequestError naming the field, what it should be, and the format. */
export function shapeError(format: WireFormat, path: JsonPath, expected: string): never {
  const where = path.length ? formatPath(path) : 'the request';
  throw new InvalidRequestError(`${where} must be ${expected} in ${withArticle(FORMAT_NAMES[format])} request`, {
    data: { format, path: [...path] },
  });
}

export function expectRecord(format: WireFormat, value: unknown, path: JsonPath): JsonRecord {
  if (!isRecord(value)) shapeError(format, path, 'an object');
  return value;
}

export function expectArray(format: WireFormat, value: unknown, path: JsonPath): unknown[] {
  if (!Array.isArray(value)) shapeError(format, path, 'an array');
  return value;
}

/** "an OpenAI …", "a Gemini …". */
export function withArticle(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}
