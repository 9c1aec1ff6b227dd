import { describe, expect, it } from 'vitest';
import { bm25Scores, queryTerms } from './bm25.js';

describe('queryTerms', () => {
  it('keeps meaningful terms once, lowercased, without stopwords', () => {
    expect(queryTerms('Why does the TimeoutError happen in worker_pool? timeout, TIMEOUTERROR')).toEqual([
      'timeouterror',
      'timeout',
      'error',
      'happen',
      'worker_pool',
      'worker',
      'pool',
    ]);
  });

  it('finds compound identifiers by their parts and plurals by their stem', () => {
    const scores = bm25Scores(
      ['"allow_squash_merge":true', '"has_wiki":false'],
      queryTerms('does it allow squash merges?'),
    );
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[1]).toBe(0);
  });
});

describe('bm25Scores', () => {
  const lines = [
    'GET /api/users 200 12ms',
    'GET /api/users 200 11ms',
    'GET /api/orders 500 timeout after 30000ms',
    'GET /api/orders 200 40ms',
    'worker timeout timeout retrying',
  ];

  it('scores only documents that hold a term, rarer terms higher', () => {
    const scores = bm25Scores(lines, queryTerms('orders timeout'));
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBe(0);
    expect(scores[2]).toBeGreaterThan(scores[3] as number);
    expect(scores[2]).toBeGreaterThan(scores[4] as number);
    expect(scores[4]).toBeGreaterThan(0);
  });

  it('gives all zeros without terms', () => {
    expect(bm25Scores(lines, [])).toEqual([0, 0, 0, 0, 0]);
  });
});
