import { queryAnchors, weightedQueryTerms } from '@headroom/core';
import { describe, expect, it } from 'vitest';
import { type JsonNode, parseTree, serialize } from '../json/json-tree.js';
import { memberBudget, selectMembers } from './members.js';

const LEVELS = ['INFO', 'DEBUG', 'INFO', 'INFO', 'WARN'];

/** 2,000 log records of one kind: a few distinct errors repeated, one record with an extra field. */
function records(): JsonNode[] {
  const rows = Array.from({ length: 2000 }, (_, i) => {
    const row: Record<string, unknown> = {
      ts: `2025-01-06T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
      level: LEVELS[i % LEVELS.length],
      host: `worker-${String(i % 9).padStart(2, '0')}`,
      message: `request ${i} served in ${(i * 7) % 300} ms`,
      trace: `trace_${(i * 2654435761).toString(16).slice(-12)}`,
    };
    if (i % 100 === 37) Object.assign(row, { level: 'ERROR', message: `upstream timed out after ${i} ms` });
    if (i === 1234) Object.assign(row, { level: 'ERROR', message: 'disk quota exceeded on /var/lib/data' });
    if (i === 1500) row.needle = 'the one record with an extra field';
    return row;
  });
  return (parseTree(JSON.stringify(rows)) as Extract<JsonNode, { kind: 'array' }>).items;
}

const noQuery = { anchors: [], terms: { terms: [], weights: [] } };
const kept = (nodes: readonly JsonNode[], keep: Uint8Array) => nodes.filter((_, i) => keep[i]).map(serialize);

describe('selectMembers on a large homogeneous collection', () => {
  const nodes = records();
  const texts = nodes.map(serialize);

  it('without a retrieval key, samples the range up to the budget', () => {
    const keep = selectMembers(texts, nodes, noQuery);
    expect(keep.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(memberBudget(nodes.length) * 0.9);
  });

  it('with one, keeps what a reader needs and leaves the look-alikes to a retrieve', () => {
    const keep = selectMembers(texts, nodes, { ...noQuery, key: 'k' });
    const shown = kept(nodes, keep);
    expect(shown.length).toBeLessThan(memberBudget(nodes.length) / 2);
    expect(keep[0]).toBe(1);
    expect(keep[nodes.length - 1]).toBe(1);
    // Each distinct error once (20 timeouts differ only in their numbers), the rare one, the odd shape.
    expect(shown.filter((t) => t.includes('timed out'))).toHaveLength(1);
    expect(shown.some((t) => t.includes('disk quota exceeded'))).toBe(true);
    expect(shown.some((t) => t.includes('"needle"'))).toBe(true);
    // Every level is shown by at least one member.
    for (const level of ['INFO', 'DEBUG', 'WARN', 'ERROR'])
      expect(shown.some((t) => t.includes(`"${level}"`))).toBe(true);
  });

  it('keeps the strong query matches, not every member sharing a common word', () => {
    const query = 'which record mentions the disk quota on worker-01?';
    const keep = selectMembers(texts, nodes, {
      anchors: queryAnchors(query),
      terms: weightedQueryTerms(query),
      key: 'k',
    });
    const shown = kept(nodes, keep);
    expect(shown.some((t) => t.includes('disk quota exceeded'))).toBe(true); // record 1234, on worker-01
    expect(shown.length).toBeLessThan(memberBudget(nodes.length) / 2);
  });
});
