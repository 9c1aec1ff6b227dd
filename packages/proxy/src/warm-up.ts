import { FirstSightCache, type WireFormat } from '@headroom/core';
import { type CompressBodyOptions, compressBody } from './exchange.js';

/**
 * Tool outputs of the kinds agents read most, large enough to be compressed, so that every lazy
 * load on the way (the tokenizer's vocabulary, the code parser and its grammars, the compressors'
 * first compilations) happens before the proxy says it is ready rather than on a user's first request.
 */
function samples(): string[] {
  const rows = Array.from({ length: 60 }, (_, i) => ({ id: i, name: `item-${i}`, status: i % 7 ? 'ok' : 'failed' }));
  const log = Array.from(
    { length: 120 },
    (_, i) => `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z ${i % 40 ? 'INFO' : 'ERROR'} worker ${i} step done`,
  ).join('\n');
  const python = Array.from(
    { length: 30 },
    (_, i) => `def handler_${i}(event, context):\n    """Handle event ${i}."""\n    return {"status": ${i}}\n`,
  ).join('\n');
  const typescript = Array.from(
    { length: 30 },
    (_, i) => `export function handler${i}(event: Event): number {\n  // step ${i}\n  return ${i};\n}\n`,
  ).join('\n');
  const listing = Array.from(
    { length: 150 },
    (_, i) => `-rw-r--r-- 1 root root ${1000 + i} Jan  1 00:00 file-${i}.txt`,
  ).join('\n');
  const diff = [
    'diff --git a/src/a.ts b/src/a.ts',
    '--- a/src/a.ts',
    '+++ b/src/a.ts',
    ...Array.from(
      { length: 40 },
      (_, i) => `@@ -${i * 10 + 1},3 +${i * 10 + 1},3 @@\n context ${i}\n-old ${i}\n+new ${i}`,
    ),
  ].join('\n');
  return [JSON.stringify(rows, null, 2), log, python, typescript, listing, diff];
}

/** One request per wire format carrying every sample as a tool result. */
function requests(): [WireFormat, unknown][] {
  const outputs = samples();
  return [
    [
      'anthropic',
      {
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'user', content: 'warm up' },
          {
            role: 'assistant',
            content: outputs.map((_, i) => ({ type: 'tool_use', id: `w${i}`, name: 'read', input: {} })),
          },
          {
            role: 'user',
            content: outputs.map((text, i) => ({ type: 'tool_result', tool_use_id: `w${i}`, content: text })),
          },
        ],
      },
    ],
    [
      'openai',
      {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: 'warm up' },
          ...outputs.map((text, i) => ({ role: 'tool', tool_call_id: `w${i}`, content: text })),
        ],
      },
    ],
    [
      'responses',
      {
        model: 'gpt-4o',
        input: outputs.map((text, i) => ({ type: 'function_call_output', call_id: `w${i}`, output: text })),
      },
    ],
  ];
}

/**
 * Compresses the samples once in every wire format with the proxy's own compressors. Nothing is
 * stored and no first sight is kept: the figures and the session memory stay the user's alone.
 */
export async function warmUp(options: Omit<CompressBodyOptions, 'firstSight' | 'store'>): Promise<void> {
  for (const [format, request] of requests()) {
    await compressBody(JSON.stringify(request), request, format, { ...options, firstSight: new FirstSightCache() });
  }
}
