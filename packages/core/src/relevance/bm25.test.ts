import { describe, expect, it } from 'vitest';
import { bm25Scores, queryTerms, weightedQueryTerms } from './bm25.js';

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

describe('stemming', () => {
  it('lets a question and the sentence answering it meet on the same terms', () => {
    const same = (a: string, b: string) => expect(queryTerms(a)).toEqual(queryTerms(b));
    same('rule', 'ruled');
    same('rules', 'ruling');
    same('typically', 'typical');
    same('engines', 'engine');
    same('Temür', 'temur');
    same('populations', 'population');
  });
});

describe('weightedQueryTerms', () => {
  it('counts the user’s words fully, the tool call’s values half, and its keys not at all', () => {
    const query = 'search_documents {"query":"When did Temur rule?","collection":"Yuan_dynasty"}\nWhen did Temur rule?';
    const weighted = weightedQueryTerms(query, 'search_documents');
    const weightOf = (word: string) => weighted.weights[weighted.terms.indexOf(queryTerms(word)[0] as string)];
    expect(weightOf('Temur')).toBe(1);
    expect(weightOf('rule')).toBe(1);
    expect(weightOf('dynasty')).toBe(0.5);
    expect(weightOf('search')).toBe(0.5);
    expect(weighted.terms).not.toContain('collection');
    expect(weighted.terms).not.toContain('query');
  });

  it('ranks the sentence that answers the question above ones that only share the collection’s name', () => {
    const sentences = [
      'The Yuan dynasty was the empire of the Mongol Borjigin clan; the Yuan dynasty followed the Song dynasty.',
      'Temür Khan ruled from 1294 to 1307.',
    ];
    const query = 'search_documents {"query":"When did Temur rule?","collection":"Yuan dynasty"}\nWhen did Temur rule?';
    const scores = bm25Scores(sentences, weightedQueryTerms(query, 'search_documents'));
    expect(scores[1]).toBeGreaterThan(scores[0] as number);
  });

  it('takes the call’s terms fully when there are no user words, and a query without a call as the user’s', () => {
    expect(weightedQueryTerms('grep {"pattern":"deadline exceeded"}', 'grep').weights).toEqual([1, 1, 1]);
    expect(weightedQueryTerms('why did the build fail?', 'grep')).toEqual({
      terms: queryTerms('why did the build fail?'),
      weights: [1, 1],
    });
  });
});
