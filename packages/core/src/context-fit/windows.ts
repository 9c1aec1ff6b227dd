/**
 * How many tokens a model's context holds, prompt and reply together, and the most a prompt alone
 * may hold where the provider caps it apart (GPT-5: 272k of 400k). Published figures; models not
 * listed get no fitting, and `contextWindows` overrides (exact names, or a prefix ending in `*`)
 * come first.
 */
export interface ContextWindow {
  readonly tokens: number;
  /** The prompt's own cap, where it is below `tokens`. */
  readonly maxInput?: number;
}

const TABLE: readonly (readonly [RegExp, ContextWindow])[] = [
  [/^claude-/, { tokens: 200_000 }],
  [/^gpt-5/, { tokens: 400_000, maxInput: 272_000 }],
  [/^gpt-4\.1/, { tokens: 1_047_576 }],
  [/^(gpt-4o|chatgpt-4o|gpt-4-turbo)/, { tokens: 128_000 }],
  [/^o[134](-|$)/, { tokens: 200_000 }],
  [/^gpt-3\.5-turbo/, { tokens: 16_385 }],
  [/^gemini-1\.5-pro/, { tokens: 2_097_152 }],
  [/^gemini-/, { tokens: 1_048_576 }],
];

/** Anthropic's beta that gives a request a 1M-token window (`anthropic-beta: context-1m-…`). */
const MILLION_BETA = /\bcontext-1m-/;

/**
 * The window a request runs in: an override for its model, else the table; a 1M-token window
 * when the client asked for one with Anthropic's beta header (never shrunk to the table's).
 */
export function contextWindowOf(
  model: string | undefined,
  options: { readonly overrides?: Readonly<Record<string, number>>; readonly betas?: string | null } = {},
): ContextWindow | undefined {
  if (!model) return undefined;
  const name = model.toLowerCase().replace(/^(models\/|anthropic\/|openai\/|google\/)/, '');
  for (const [pattern, tokens] of Object.entries(options.overrides ?? {})) {
    const p = pattern.toLowerCase();
    if (p === name || (p.endsWith('*') && name.startsWith(p.slice(0, -1)))) return { tokens };
  }
  const listed = TABLE.find(([pattern]) => pattern.test(name))?.[1];
  if (listed && name.startsWith('claude-') && options.betas && MILLION_BETA.test(options.betas))
    return { tokens: Math.max(listed.tokens, 1_000_000) };
  return listed;
}

/**
 * Parses overrides written `model=tokens` separated by commas (`HEADROOM_CONTEXT_WINDOWS`,
 * `--context-window`); undefined and the offending entry when one is malformed.
 */
export function parseContextWindows(text: string): { windows?: Record<string, number>; bad?: string } {
  const windows: Record<string, number> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\d[\d_]*)(k|m)?$/i.exec(entry);
    if (!match) return { bad: entry };
    const unit = match[3]?.toLowerCase() === 'k' ? 1000 : match[3]?.toLowerCase() === 'm' ? 1_000_000 : 1;
    windows[match[1] as string] = Number((match[2] as string).replace(/_/g, '')) * unit;
  }
  return { windows };
}

/**
 * Tokens a prompt may hold in `window`: the window less the reply's room (the request's own
 * output limit), capped by the prompt's own limit where there is one, less a margin for counts that
 * are estimates (10%; 3% for exact ones) and `reserved` tokens that go in after the count.
 */
export function promptBudget(
  window: ContextWindow,
  options: { readonly maxOutput?: number | undefined; readonly estimate: boolean; readonly reserved?: number },
): { room: number; budget: number } {
  const room = Math.min(window.maxInput ?? window.tokens, window.tokens - (options.maxOutput ?? 0));
  return { room, budget: Math.floor(room * (options.estimate ? 0.9 : 0.97)) - (options.reserved ?? 0) };
}
