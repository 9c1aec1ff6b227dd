import type { CounterIncrement } from './counters.js';
import { blendedInputPrice, inputPrice } from './prices.js';

/** One day's savings for one agent and model. */
export interface LedgerRow {
  readonly day: string;
  readonly agent: string;
  readonly model: string;
  readonly requests: number;
  readonly tokensBefore: number;
  readonly tokensAfter: number;
  readonly tokensSaved: number;
  /** Share of the upstream's prompt tokens read from its cache that day (0–1). */
  readonly cacheReadShare: number;
  /** Dollars at list input prices; undefined for a model without a known price. */
  readonly savedUsdAtList?: number;
  /** Dollars at the prices the cache made them: the list price blended with cache reads and writes. */
  readonly savedUsdWithCache?: number;
}

/**
 * The savings ledger: the counters every proxy and wrapped session keep (per day, agent and model;
 * durable in SQLite or a fleet's Redis) folded into one row per day, agent and model, over the last
 * `days` days up to `today`. Money is an estimate at published prices, with and without what the
 * prompt cache already took off.
 */
export function savingsLedger(
  rows: Iterable<CounterIncrement>,
  options: { readonly days: number; readonly today: string },
): LedgerRow[] {
  const first = dayBefore(options.today, options.days - 1);
  const cells = new Map<string, Record<string, number>>();
  for (const row of rows) {
    if (row.day < first || row.day > options.today) continue;
    const key = `${row.day}\u0000${row.agent}\u0000${row.model}`;
    const cell = cells.get(key) ?? {};
    cell[row.name] = (cell[row.name] ?? 0) + row.value;
    cells.set(key, cell);
  }
  const out: LedgerRow[] = [];
  for (const [key, c] of cells) {
    const [day, agent, model] = key.split('\u0000') as [string, string, string];
    const requests = c.requests ?? 0;
    const tokensBefore = c.tokensBefore ?? 0;
    const tokensAfter = c.tokensAfter ?? 0;
    if (!requests && !tokensBefore) continue;
    const usage = {
      inputTokens: c.inputTokens ?? 0,
      cacheReadTokens: c.cacheReadTokens ?? 0,
      cacheWriteTokens: c.cacheWriteTokens ?? 0,
    };
    const saved = tokensBefore - tokensAfter;
    const list = inputPrice(model);
    const blended = blendedInputPrice(model, usage);
    const prompt = Math.max(usage.inputTokens, usage.cacheReadTokens);
    out.push({
      day,
      agent,
      model,
      requests,
      tokensBefore,
      tokensAfter,
      tokensSaved: saved,
      cacheReadShare: prompt
        ? round(usage.cacheReadTokens / (usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens), 3)
        : 0,
      ...(list !== undefined ? { savedUsdAtList: round(saved * list, 4) } : {}),
      ...(blended !== undefined ? { savedUsdWithCache: round(saved * blended, 4) } : {}),
    });
  }
  return out.sort((a, b) => (a.day === b.day ? b.requests - a.requests : a.day < b.day ? 1 : -1));
}

/** The day `n` days before `day` (both YYYY-MM-DD, UTC). */
function dayBefore(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - n);
  return date.toISOString().slice(0, 10);
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
