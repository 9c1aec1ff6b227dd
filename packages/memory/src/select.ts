import type { Memory } from './memory.js';
import type { MemoryContext, MemoryEntry } from './types.js';

export interface SelectOptions extends MemoryContext {
  /** Most tokens the picked memories may take, rendered. */
  readonly budgetTokens: number;
  /** Counts tokens of a text. Default: characters / 4, rounded up (pass a real tokenizer for exact budgets). */
  readonly countTokens?: (text: string) => number;
}

export interface Selection {
  readonly memories: readonly MemoryEntry[];
  /** The memories as lines to put before a conversation; empty when none fit. */
  readonly text: string;
  readonly tokens: number;
}

/** A memory as one line: its text, then its tags. */
export function renderMemory(entry: MemoryEntry): string {
  return `- ${entry.text}${entry.tags.length ? ` [${entry.tags.join(', ')}]` : ''}`;
}

/**
 * The memories most relevant to `query` that fit in a token budget, best first: each is taken
 * whole or not at all, and a long one that does not fit leaves room for shorter ones after it.
 *
 * @example
 * const { text } = await selectMemories(memory, 'run the test suite', { budgetTokens: 300, project: cwd })
 */
export async function selectMemories(memory: Memory, query: string, options: SelectOptions): Promise<Selection> {
  const count = options.countTokens ?? ((text: string) => Math.ceil(text.length / 4));
  const hits = await memory.search(query, {
    limit: 50,
    ...(options.project ? { project: options.project } : {}),
    ...(options.session ? { session: options.session } : {}),
  });
  const header = 'Relevant memories:';
  let tokens = count(header);
  const picked: MemoryEntry[] = [];
  for (const { entry } of hits) {
    const cost = count(`\n${renderMemory(entry)}`);
    if (tokens + cost > options.budgetTokens) continue;
    picked.push(entry);
    tokens += cost;
  }
  if (!picked.length) return { memories: [], text: '', tokens: 0 };
  return { memories: picked, text: [header, ...picked.map(renderMemory)].join('\n'), tokens };
}
