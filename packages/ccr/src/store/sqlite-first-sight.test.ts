import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp.js';
import { runFirstSightConformance } from '../testing/first-sight-conformance.js';
import { createSqliteFirstSight } from './sqlite-first-sight.js';
import { createSqliteStore } from './sqlite-store.js';

describe('sqlite first-sight memory', () => {
  it('remembers the first form of a segment across a restart, first write wins', () => {
    const path = join(tempDir(), 'ccr.db');
    const a = createSqliteFirstSight({ path });
    a.set('k1', { text: 'compressed once' });
    a.set('k1', { text: 'a later, different form' });
    a.set('k2', { text: 'original', skipped: 'deadline' });
    a.set('k3', { text: 'cut by the fallback', via: 'prose-crusher' });
    a.close();
    const b = createSqliteFirstSight({ path });
    expect(b.get('k1')).toEqual({ text: 'compressed once' });
    expect(b.get('k2')).toEqual({ text: 'original', skipped: 'deadline' });
    // The transform that really produced it is kept too, so figures stay honest after a restart.
    expect(b.get('k3')).toEqual({ text: 'cut by the fallback', via: 'prose-crusher' });
    expect(b.get('unknown')).toBeUndefined();
    b.close();
  });

  it('shares the store’s file and stays within its bound, least recently used first', () => {
    const path = join(tempDir(), 'ccr.db');
    createSqliteStore({ path }).close();
    let t = 0;
    const memory = createSqliteFirstSight({ path, maxEntries: 100, now: () => ++t });
    for (let i = 0; i < 512; i++) memory.set(`k${i}`, { text: `v${i}` });
    expect(memory.size).toBeLessThanOrEqual(100 + 256);
    expect(memory.get('k0')).toBeUndefined();
    expect(memory.get('k511')).toEqual({ text: 'v511' });
    memory.close();
  });
});

runFirstSightConformance('sqlite', async () => {
  const path = join(tempDir(), 'ccr.db');
  const a = createSqliteFirstSight({ path });
  const b = createSqliteFirstSight({ path });
  return {
    a,
    b,
    close: async () => {
      a.close();
      b.close();
    },
  };
});
