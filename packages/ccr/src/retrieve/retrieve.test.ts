import { contentKey } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { entryFor } from '../testing/store-conformance.js';
import { normalizeKey, retrieve } from './retrieve.js';

const log = [
  '2024-05-01T10:00:00Z INFO  api   GET /users 200 12ms',
  '2024-05-01T10:00:01Z INFO  api   GET /orders 200 40ms',
  '2024-05-01T10:00:02Z ERROR api   GET /orders 504 upstream timeout after 30000ms',
  '2024-05-01T10:00:03Z INFO  api   GET /users 200 11ms',
  '2024-05-01T10:00:04Z WARN  db    slow query on orders: 2100ms',
].join('\n');

async function storeWith(original: string) {
  const store = createMemoryStore();
  await store.put(entryFor(original));
  return { store, key: contentKey(original) };
}

describe('retrieve', () => {
  it('gives the exact original, after a header naming the key', async () => {
    const { store, key } = await storeWith(log);
    const result = await retrieve(store, key);
    expect(result).toEqual({
      found: true,
      key,
      original: log,
      text: `[headroom retrieved ${key}: the original, 5 lines]\n${log}`,
    });
  });

  it('accepts the key as written in a marker', async () => {
    const { store, key } = await storeWith(log);
    expect((await retrieve(store, ` headroom:${key.toUpperCase()} `)).found).toBe(true);
    expect(normalizeKey(`headroom:${key}`)).toBe(key);
  });

  it('with a query, gives only matching lines with their numbers, best first', async () => {
    const { store, key } = await storeWith(log);
    const result = await retrieve(store, key, { query: 'why are orders timing out? timeout' });
    expect(result.text).toBe(
      [
        `[headroom retrieved ${key}: 3 of 5 lines match "why are orders timing out? timeout", best first]`,
        'L3: 2024-05-01T10:00:02Z ERROR api   GET /orders 504 upstream timeout after 30000ms',
        'L2: 2024-05-01T10:00:01Z INFO  api   GET /orders 200 40ms',
        'L5: 2024-05-01T10:00:04Z WARN  db    slow query on orders: 2100ms',
      ].join('\n'),
    );
  });

  it('caps the matches and counts the rest', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `request ${i} failed with timeout`).join('\n');
    const { store, key } = await storeWith(lines);
    const result = await retrieve(store, key, { query: 'timeout', limit: 3 });
    const [header, ...shown] = result.text.split('\n');
    expect(header).toBe(
      `[headroom retrieved ${key}: 100 of 100 lines match "timeout", best first; showing 3, 97 more not shown (narrow the query to see them)]`,
    );
    expect(shown).toEqual([
      'L1: request 0 failed with timeout',
      'L2: request 1 failed with timeout',
      'L3: request 2 failed with timeout',
    ]);
  });

  it('matches items of a JSON array by index, values exactly as written', async () => {
    const json = JSON.stringify(
      [
        { id: 1, status: 'ok', amount: 1e3 },
        { id: 2, status: 'failed', error: 'card declined' },
        { id: 3, status: 'ok' },
      ],
      null,
      2,
    );
    const { store, key } = await storeWith(json);
    const result = await retrieve(store, key, { query: 'declined' });
    expect(result.text).toBe(
      `[headroom retrieved ${key}: 1 of 3 items match "declined", best first]\n[1]: {"id":2,"status":"failed","error":"card declined"}`,
    );
  });

  it('folds identical records into one with their count, so copies do not fill the answer', async () => {
    const lines = [...Array.from({ length: 40 }, () => 'GET /health 200'), 'GET /orders 500'].join('\n');
    const { store, key } = await storeWith(lines);
    expect((await retrieve(store, key, { query: 'GET' })).text).toBe(
      [
        `[headroom retrieved ${key}: 41 (2 distinct) of 41 lines match "GET", best first]`,
        'L1 (+39 identical): GET /health 200',
        'L41: GET /orders 500',
      ].join('\n'),
    );
  });

  it('returns a whole record: asked for a commit by its hash, its author and date come with it', async () => {
    const commit = (n: number) =>
      [
        `commit ${String(n).repeat(40)}`,
        `Author: Dev ${n} <d${n}@example.com>`,
        `Date:   Mon Jul ${n} 2026`,
        '',
        `    fix ${n}`,
      ].join('\n');
    const { store, key } = await storeWith([1, 2, 3, 4].map(commit).join('\n\n'));
    const text = (await retrieve(store, key, { query: `Who wrote commit ${'3'.repeat(40)}?` })).text;
    expect(text.split('\n').slice(0, 2)).toEqual([
      `[headroom retrieved ${key}: 4 of 4 records match "Who wrote commit ${'3'.repeat(40)}?", best first]`,
      `L13-L17: commit ${'3'.repeat(40)}`,
    ]);
    expect(text).toContain('Author: Dev 3 <d3@example.com>');
  });

  it('says so when nothing matches', async () => {
    const { store, key } = await storeWith(log);
    expect((await retrieve(store, key, { query: 'kubernetes' })).text).toBe(
      `[headroom retrieved ${key}: none of 5 lines match "kubernetes"; retrieve without a query for the whole original]`,
    );
  });

  it('answers an unknown or malformed key with a message the model can act on', async () => {
    const store = createMemoryStore();
    expect(await retrieve(store, '0123456789abcdef01234567')).toEqual({
      found: false,
      key: '0123456789abcdef01234567',
      text: 'No stored original for headroom:0123456789abcdef01234567: it expired or was never stored here. Run the tool again to get the content.',
    });
    expect((await retrieve(store, 'nope')).text).toBe(
      '"nope" is not a Headroom key: keys are the 24 hex digits after "headroom:" in an omission marker.',
    );
  });
});
