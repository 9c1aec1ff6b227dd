/**
 * Input prices in US dollars per million tokens, by model-name prefix (longest prefix wins).
 * Published list prices as of 2026; they change, so figures computed from them are estimates
 * and are labelled so. Unknown models are not priced.
 */
const INPUT_USD_PER_MILLION: readonly [prefix: string, usd: number][] = [
  ['claude-opus', 15],
  ['claude-sonnet', 3],
  ['claude-3-5-sonnet', 3],
  ['claude-3-7-sonnet', 3],
  ['claude-haiku', 1],
  ['claude-3-5-haiku', 0.8],
  ['gpt-4o-mini', 0.15],
  ['gpt-4o', 2.5],
  ['gpt-4.1-nano', 0.1],
  ['gpt-4.1-mini', 0.4],
  ['gpt-4.1', 2],
  ['gpt-5-nano', 0.05],
  ['gpt-5-mini', 0.25],
  ['gpt-5', 1.25],
  ['o4-mini', 1.1],
  ['o3', 2],
  ['gemini-2.5-pro', 1.25],
  ['gemini-2.5-flash-lite', 0.1],
  ['gemini-2.5-flash', 0.3],
];

/** Dollars per input token for a model, or undefined when the model is not in the table. */
export function inputPrice(model: string | undefined): number | undefined {
  if (!model) return undefined;
  const name = model.toLowerCase().replace(/^(anthropic|openai)\//, '');
  let best: [string, number] | undefined;
  for (const entry of INPUT_USD_PER_MILLION) {
    if (name.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best ? best[1] / 1_000_000 : undefined;
}

/** How a provider bills the cached part of a prompt, relative to its input price. */
export interface CachePricing {
  readonly read: number;
  readonly write: number;
  /** Whether the usage's input count includes the cached tokens (OpenAI, Gemini) or not (Anthropic). */
  readonly inputIncludesCached: boolean;
}

/** Cache prices by provider and model family, as published (2026). */
export function cachePricing(model: string | undefined): CachePricing {
  const name = (model ?? '').toLowerCase().replace(/^(anthropic|openai|google)\//, '');
  if (name.startsWith('claude')) return { read: 0.1, write: 1.25, inputIncludesCached: false };
  if (name.startsWith('gemini')) return { read: 0.25, write: 1, inputIncludesCached: true };
  if (name.startsWith('gpt-4o') || name.startsWith('o1')) return { read: 0.5, write: 1, inputIncludesCached: true };
  if (name.startsWith('gpt-4.1')) return { read: 0.25, write: 1, inputIncludesCached: true };
  return { read: 0.1, write: 1, inputIncludesCached: true };
}

/**
 * What one input token cost on average given how much of the prompts the cache served: the list
 * price blended with the cache's read and write prices in the proportions the upstream reported.
 * A token compression took off would have been billed at about this price.
 */
export function blendedInputPrice(
  model: string | undefined,
  usage: { readonly inputTokens: number; readonly cacheReadTokens: number; readonly cacheWriteTokens: number },
): number | undefined {
  const price = inputPrice(model);
  if (price === undefined) return undefined;
  const cache = cachePricing(model);
  const { inputTokens, cacheReadTokens, cacheWriteTokens } = usage;
  const total = cache.inputIncludesCached ? inputTokens : inputTokens + cacheReadTokens + cacheWriteTokens;
  if (total <= 0) return price;
  const uncached = total - cacheReadTokens - cacheWriteTokens;
  return (price * (Math.max(0, uncached) + cacheReadTokens * cache.read + cacheWriteTokens * cache.write)) / total;
}
