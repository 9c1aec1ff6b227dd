import { FirstSightCache } from '@headroom/core';
import { runTransformConformance } from '@headroom/core/testing';
import { describe, expect, it } from 'vitest';
import { compress } from '../compress.js';
import { createToolSchemaCrusher } from './tool-schema-crusher.js';

const LONG =
  'Search the issue tracker for issues matching a query. Returns at most 100 issues, newest first, with their number, title, state and labels. ' +
  'Use this before filing a new issue to avoid duplicates; the search covers titles and bodies. Results are paginated when more than 100 match.\n\n' +
  'Example:\n```json\n{"q": "crash on startup", "state": "open"}\n```\n\nNotes: closed issues older than a year are archived and not returned unless include_archived is set.';

const request = () => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'find crash issues' }],
  tools: [
    {
      type: 'function',
      function: {
        name: 'search_issues',
        description: LONG,
        parameters: {
          type: 'object',
          properties: {
            q: { type: 'string', description: `${'The search query, in the tracker query language. '.repeat(8)}` },
            state: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open', description: 'Which issues.' },
          },
          required: ['q'],
        },
      },
    },
  ],
});

runTransformConformance({
  create: createToolSchemaCrusher,
  goldenDir: new URL('./__golden__', import.meta.url).pathname,
  cases: [
    { name: 'long tool description', text: LONG, mustKeep: ['Search the issue tracker for issues matching a query.'] },
    { name: 'short tool description', text: 'Get the weather for a city.', mustKeep: ['Get the weather for a city.'] },
  ],
});

describe('tool-schema-crusher', () => {
  it('leaves tool descriptions alone unless asked', async () => {
    const result = await compress(request(), { firstSight: new FirstSightCache() });
    expect(result.request).toEqual(request());
  });

  it('shortens descriptions and drops examples, never touching names, types, required fields, enums or defaults', async () => {
    const first = await compress(request(), { policy: { toolSchemas: true }, firstSight: new FirstSightCache() });
    const fn = (first.request as ReturnType<typeof request>).tools[0]?.function;
    const firstSentence = 'Search the issue tracker for issues matching a query.';
    expect(fn?.description).toBe(
      `${firstSentence} [… ${LONG.length - firstSentence.length} of ${LONG.length} chars omitted (rest of the description and its examples) …]`,
    );
    const original = request().tools[0]?.function;
    expect({
      ...fn,
      description: '',
      parameters: { ...fn?.parameters, properties: { ...fn?.parameters.properties, q: { type: 'string' } } },
    }).toEqual({
      ...original,
      description: '',
      parameters: {
        ...original?.parameters,
        properties: { ...original?.parameters.properties, q: { type: 'string' } },
      },
    });
    expect(fn?.parameters.properties.state).toEqual(original?.parameters.properties.state);
    // Byte-stable turn after turn, in a fresh process too.
    const again = await compress(request(), { policy: { toolSchemas: true }, firstSight: new FirstSightCache() });
    expect(JSON.stringify(again.request)).toBe(JSON.stringify(first.request));
  });
});
