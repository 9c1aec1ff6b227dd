import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbedder } from '@headroom/kompress';
import { tinyEmbeddingModel } from '@headroom/kompress/testing';
import { openMemory } from '@headroom/memory';
import { describe, expect, it } from 'vitest';

/** Synonyms share a concept: "specs" and "tests" embed alike though they share no letters. */
const concepts = { tests: 0, specs: 0, vitest: 0, run: 1, execute: 1, deploy: 2, release: 2, ship: 2, database: 3 };

describe('createEmbedder', () => {
  it('embeds through the Kompress loading path: mean-pooled, unit length, synonyms alike', async () => {
    const embedder = await createEmbedder({ modelDir: tinyEmbeddingModel(concepts).dir });
    expect(embedder.dimensions).toBe(8);
    const [a, b, c] = await embedder.embed(['execute the specs', 'run tests', 'ship the release']);
    const dot = (x?: Float32Array, y?: Float32Array) => {
      let sum = 0;
      for (let i = 0; i < (x?.length ?? 0); i++) sum += (x?.[i] ?? 0) * (y?.[i] ?? 0);
      return sum;
    };
    expect(Math.hypot(...(a ?? []))).toBeCloseTo(1, 5);
    expect(dot(a, b)).toBeGreaterThan(0.9);
    expect(dot(a, c)).toBeLessThan(0.1);
  });

  it('gives the shared memory semantic search', async () => {
    const embedder = await createEmbedder({ modelDir: tinyEmbeddingModel(concepts).dir });
    const memory = openMemory({ path: join(mkdtempSync(join(tmpdir(), 'headroom-embed-')), 'ccr.db'), embedder });
    await memory.save({ text: 'Tests run with vitest.', scope: 'global' });
    await memory.save({ text: 'Releases ship on Fridays.', scope: 'global' });
    const [hit] = await memory.search('how do I execute the specs');
    expect(hit?.entry.text).toBe('Tests run with vitest.');
    expect(hit?.matchedBy).toContain('vector');
    memory.close();
  });

  it('says how to fix a missing model', async () => {
    await expect(createEmbedder({ modelDir: '/no/such/model' })).rejects.toThrow(
      /embedding model directory \/no\/such\/model does not exist: set HEADROOM_EMBEDDING_MODEL/,
    );
  });
});
