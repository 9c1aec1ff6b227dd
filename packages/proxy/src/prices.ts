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
