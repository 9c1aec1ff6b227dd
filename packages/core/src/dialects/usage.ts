import { isRecord } from '../request/json-path.js';

/**
 * Which usage fields describe the prompt — the client's context — in a format, and how its total
 * is made up. Agents read a reply's input tokens as the size of their context (Claude Code decides
 * when to compact from it), so after a retrieve round the client is shown its own context's
 * figures — the first round's — never the round's, whose prompt also holds the retrieved original
 * and the model's call; output figures stay the final round's. What every round billed is counted
 * by the proxy in /stats.
 */
export interface UsageFields {
  readonly input: readonly string[];
  /** The total's parts, when the format reports one: `[total, ...summands]`. */
  readonly total?: readonly string[];
}

/** `usage` with its input fields (and total) taken from `first`; unchanged when either is missing. */
export function withFirstInput(usage: unknown, first: unknown, fields: UsageFields): unknown {
  if (!isRecord(usage) || !isRecord(first)) return usage;
  const next: Record<string, unknown> = { ...usage };
  for (const field of fields.input) {
    if (!(field in next)) continue;
    if (field in first) next[field] = first[field];
    else delete next[field];
  }
  const [total, ...parts] = fields.total ?? [];
  if (total && total in next)
    next[total] = parts.reduce((sum, p) => sum + (typeof next[p] === 'number' ? (next[p] as number) : 0), 0);
  return next;
}

/** Anthropic's `usage`: the prompt's counts (it reports no total). */
export const ANTHROPIC_USAGE: UsageFields = {
  input: ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'cache_creation'],
};

/** Chat Completions' `usage`. */
export const CHAT_USAGE: UsageFields = {
  input: ['prompt_tokens', 'prompt_tokens_details'],
  total: ['total_tokens', 'prompt_tokens', 'completion_tokens'],
};

/** Responses' `usage`. */
export const RESPONSES_USAGE: UsageFields = {
  input: ['input_tokens', 'input_tokens_details'],
  total: ['total_tokens', 'input_tokens', 'output_tokens'],
};

/** Gemini's `usageMetadata`: the prompt's counts, and the total's parts. */
export const GEMINI_USAGE: UsageFields = {
  input: [
    'promptTokenCount',
    'cachedContentTokenCount',
    'promptTokensDetails',
    'cacheTokensDetails',
    'toolUsePromptTokenCount',
    'toolUsePromptTokensDetails',
  ],
  total: [
    'totalTokenCount',
    'promptTokenCount',
    'candidatesTokenCount',
    'thoughtsTokenCount',
    'toolUsePromptTokenCount',
  ],
};
