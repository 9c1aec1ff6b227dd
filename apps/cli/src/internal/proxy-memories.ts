import { defaultStorePath } from '@headroom/ccr/sqlite';
import { getTokenizer } from '@headroom/core';
import { openMemory, selectMemories } from '@headroom/memory';
import { usageError } from './cli-error.js';
import { configuredEmbedder } from './embedder.js';
import type { CliIo } from './io.js';

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
): Promise<{ memories: (question: string) => Promise<string>; close(): Promise<void> }> {
  const budgetTokens = budgetText === undefined ? DEFAULT_BUDGET : Number(budgetText);
  if (!Number.isInteger(budgetTokens) || budgetTokens < 1)
    throw usageError(`--memory-budget takes a number of tokens (got '${budgetText}')`);
  const embedder = await configuredEmbedder(io);
  const memory = openMemory({
    path: defaultStorePath(io.env),
    ...(embedder ? { embedder } : {}),
    onWarning: (message) => io.stderr.write(`headroom: warning: ${message}\n`),
  });
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
    close: () => memory.close(),
  };
}
