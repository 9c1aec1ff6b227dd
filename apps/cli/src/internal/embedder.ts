import type { Embedder } from '@headroom/memory';
import type { CliIo } from './io.js';

/**
 * The embedding model named by HEADROOM_EMBEDDING_MODEL, for semantic memory search, loaded
 * through Kompress's path (an optional dependency, imported only then). Without one, or when it
 * cannot load — said in one line — memory search is full-text only.
 */
export async function configuredEmbedder(io: CliIo): Promise<Embedder | undefined> {
  const modelDir = io.env.HEADROOM_EMBEDDING_MODEL;
  if (!modelDir) return undefined;
  try {
    const { createEmbedder } = await import('@headroom/kompress');
    return await createEmbedder({ modelDir });
  } catch (error) {
    io.stderr.write(`headroom: semantic memory search is off: ${(error as Error).message}\n`);
    return undefined;
  }
}
