import { contentKey, isRetrievedContent, parseRequest } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { entryFor } from '../testing/store-conformance.js';
import { handleRetrieveCall, retrieveToolDefinition, retrieveToolResult } from './retrieve-tool.js';

const original = 'line one\nline two has the needle\nline three\n';
const key = contentKey(original);
const store = createMemoryStore();
await store.put(entryFor(original));

describe('headroom_retrieve tool', () => {
  it('has a definition in each provider’s shape', () => {
    const openai = retrieveToolDefinition('openai') as {
      type: string;
      function: { name: string; parameters: { required: string[] } };
    };
    expect(openai.type).toBe('function');
    expect(openai.function.name).toBe('headroom_retrieve');
    expect(openai.function.parameters.required).toEqual(['key']);
    expect(Object.keys(retrieveToolDefinition('anthropic'))).toEqual(['name', 'description', 'input_schema']);
    expect(Object.keys(retrieveToolDefinition('responses'))).toEqual([
      'type',
      'name',
      'description',
      'parameters',
      'strict',
    ]);
  });

  it('answers calls with JSON-string arguments (OpenAI, Responses) and object arguments (Anthropic)', async () => {
    const fromString = await handleRetrieveCall(store, JSON.stringify({ key, query: 'needle' }));
    expect(fromString).toEqual({
      text: `[headroom retrieved ${key}: 1 of 4 lines match "needle", best first]\nL2: line two has the needle`,
      isError: false,
    });
    const fromObject = await handleRetrieveCall(store, { key });
    expect(fromObject.text).toBe(`[headroom retrieved ${key}: the original, 4 lines]\n${original}`);
  });

  it('turns bad calls into error results, never exceptions', async () => {
    expect(await handleRetrieveCall(store, '{oops')).toEqual({
      text: 'headroom_retrieve needs JSON arguments like {"key": "…", "query": "…"}.',
      isError: true,
    });
    expect((await handleRetrieveCall(store, { query: 'x' })).isError).toBe(true);
    expect((await handleRetrieveCall(store, { key: 'f'.repeat(24) })).isError).toBe(true);
    const broken = {
      put: () => {},
      get: () => {
        throw new Error('disk I/O error');
      },
    };
    expect(await handleRetrieveCall(broken, { key })).toEqual({
      text: 'The Headroom store could not be read (disk I/O error). Run the tool again to get the content.',
      isError: true,
    });
  });

  it('formats results so each provider’s adapter reads them as retrieved content, never to be compressed again', async () => {
    const result = await handleRetrieveCall(store, { key });
    const requests = {
      openai: {
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'headroom_retrieve', arguments: '{}' } }],
          },
          retrieveToolResult('openai', 'c1', result),
        ],
      },
      anthropic: {
        messages: [
          { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'headroom_retrieve', input: { key } }] },
          { role: 'user', content: [retrieveToolResult('anthropic', 'c1', result)] },
        ],
      },
      responses: {
        input: [
          { type: 'function_call', call_id: 'c1', name: 'headroom_retrieve', arguments: '{}' },
          retrieveToolResult('responses', 'c1', result),
        ],
      },
    } as const;
    for (const [format, request] of Object.entries(requests)) {
      const segment = parseRequest(request, format as 'openai').segments.find((s) => s.kind === 'tool-result');
      expect(segment?.text).toBe(result.text);
      expect(segment?.flags.retrieved).toBe(true);
      expect(isRetrievedContent(segment?.text ?? '')).toBe(true);
    }
    expect(retrieveToolResult('anthropic', 'c2', { text: 'gone', isError: true })).toEqual({
      type: 'tool_result',
      tool_use_id: 'c2',
      content: 'gone',
      is_error: true,
    });
  });
});
