import { getTokenizer, parseMarkers } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { createLogCrusher } from './log-crusher.js';

// The shape of a real access log (`python3 -m http.server`, nginx's common format): thousands of
// successes and a lone failure, compressed without a query.
const line = (i: number, path: string, status: number) =>
  `127.0.0.1 - - [05/Dec/2026 18:${String(10 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}] "GET ${path} HTTP/1.1" ${status} -`;
const log = Array.from({ length: 3000 }, (_, i) =>
  i === 1234
    ? line(i, '/api/orders/1234', 500)
    : i === 2345
      ? line(i, '/docs/missing.txt', 404)
      : line(i, `/api/items/${i}`, 200),
).join('\n');

describe('access logs', () => {
  it('keep a lone failed request visible without a query, and count the statuses they fold', async () => {
    const out = await createLogCrusher().compress(
      { text: log, query: '', contentType: 'log' } as never,
      { retrievalKey: '0123456789abcdef01234567', tokenizer: await getTokenizer('gpt-4o') } as never,
    );
    const text = (out as { text: string }).text;
    expect(text).toContain('"GET /api/orders/1234 HTTP/1.1" 500');
    expect(text).toContain('"GET /docs/missing.txt HTTP/1.1" 404');
    const markers = parseMarkers(text);
    expect(markers.some((m) => m.detail?.startsWith('status 200: '))).toBe(true);
    expect(text.length).toBeLessThan(log.length / 5);
  });
});

describe('logfmt logs', () => {
  it('keep a failed request visible by its status field, and a level=error line', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      i === 777
        ? `ts=2026-12-05T18:00:00Z level=info method=GET path=/api/pay status=503 ms=30012`
        : i === 1500
          ? `ts=2026-12-05T18:00:01Z level=error msg="db pool exhausted" status=200 ms=4`
          : `ts=2026-12-05T18:00:02Z level=info method=GET path=/api/items/${i} status=200 ms=${i % 40}`,
    );
    const out = await createLogCrusher().compress(
      { text: lines.join('\n'), query: '', contentType: 'log' } as never,
      { retrievalKey: '0123456789abcdef01234567', tokenizer: await getTokenizer('gpt-4o') } as never,
    );
    const text = (out as { text: string }).text;
    expect(text).toContain('path=/api/pay status=503');
    expect(text).toContain('msg="db pool exhausted"');
  });
});
