import { getTokenizer } from '@headroom/core';
import { selectMemories } from '@headroom/memory';
import { answersWithin } from './answers-within.js';
import { usageError } from './cli-error.js';
import type { CliIo } from './io.js';
import { openMemoryDb } from './memory-db.js';

/** Tokens of memories a session gets by default. */
const DEFAULT_BUDGET = 400;

/**
 * For `--memory`: the proxy's `memories` option, picking the shared memories most relevant to a
 * session's opening (global ones and those of the directory the command runs in) within a
 * token budget, counted with the real tokenizer.
 */
export async function proxyMemories(
  io: CliIo,
  budgetText: string | undefined,
  memoryDb: string | undefined,
): Promise<{
  memories: (question: string) => Promise<string>;
  /** Where the memories live and what their search runs on, for `/health` and `/stats`. */
  describe: { readonly location: string; readonly search: string };
  /** Whether the memory answers now (within a second). */
  health(): Promise<{ readonly ok: boolean; readonly detail: string }>;
  close(): Promise<void>;
}> {
  const budgetTokens = budgetText === undefined ? DEFAULT_BUDGET : Number(budgetText);
  if (!Number.isInteger(budgetTokens) || budgetTokens < 1)
    throw usageError(`--memory-budget takes a number of tokens (got '${budgetText}')`);
  const { memory, location } = await openMemoryDb(io, memoryDb);
  const kinds = await memory.searchKinds();
  const tokenizer = await getTokenizer();
  return {
    memories: async (question) =>
      (
        await selectMemories(memory, question, {
          budgetTokens,
          project: io.cwd,
          countTokens: (t) => tokenizer.count(t),
        })
      ).text,
    describe: { location, search: kinds.includes('vector') ? 'full text and vectors' : 'full text only' },
    async health() {
      try {
        await answersWithin(memory.count(), 1000);
        return { ok: true, detail: location };
      } catch (error) {
        return { ok: false, detail: `${location}: ${(error as Error).message}` };
      }
    },
    close: () => memory.close(),
  };
}
