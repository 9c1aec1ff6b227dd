import { dayOf, type LedgerRow, savingsLedger } from '@headroom/proxy';
import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { SAVINGS_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { openStorage, storageUrl } from '../internal/storage.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const usd = (v: number | undefined) => (v === undefined ? '—' : `$${v.toFixed(4)}`);

/**
 * `headroom savings [--days N] [--json] [--store URL]`: the durable savings ledger — tokens and
 * money saved per day, per agent and per model — from the counters every proxy and wrapped session
 * keep (the machine's database, or a fleet's Redis).
 */
export async function runSavings(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('savings', args, {
    days: { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
    store: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, SAVINGS_HELP);
    return 0;
  }
  if (positionals.length) throw usageError(`savings takes no arguments. Run 'headroom savings --help'`);
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3660)
    throw usageError(`--days takes a whole number of days, like 30 (got '${values.days}')`);
  const config = await loadConfig(io);
  const storage = await openStorage(io, config, storageUrl(io, config, values.store));
  let rows: LedgerRow[];
  try {
    rows = savingsLedger(await storage.counters.read(), { days, today: dayOf(Date.now()) });
  } finally {
    await storage.close();
  }
  const sum = (list: readonly LedgerRow[], pick: (r: LedgerRow) => number | undefined) =>
    list.reduce((total, r) => total + (pick(r) ?? 0), 0);
  const totals = {
    requests: sum(rows, (r) => r.requests),
    tokensBefore: sum(rows, (r) => r.tokensBefore),
    tokensAfter: sum(rows, (r) => r.tokensAfter),
    tokensSaved: sum(rows, (r) => r.tokensSaved),
    savedUsdAtList: Math.round(sum(rows, (r) => r.savedUsdAtList) * 10_000) / 10_000,
    savedUsdWithCache: Math.round(sum(rows, (r) => r.savedUsdWithCache) * 10_000) / 10_000,
  };
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ days, source: storage.location, totals, rows })}\n`);
    return 0;
  }
  if (!rows.length) {
    await write(io.stdout, `No savings in the last ${days} days (counters in ${storage.location}).\n`);
    return 0;
  }
  const lines = [
    `Savings, last ${days} day${days === 1 ? '' : 's'} (counters in ${storage.location}; dollars are estimates at list input prices, and at the prices the prompt cache left)`,
    '',
    `${'day'.padEnd(12)}${'agent'.padEnd(12)}${'model'.padEnd(28)}${'requests'.padStart(9)}${'tokens saved'.padStart(22)}${'$ list'.padStart(11)}${'$ cached'.padStart(11)}`,
    ...rows.map(
      (r) =>
        `${r.day.padEnd(12)}${r.agent.slice(0, 11).padEnd(12)}${r.model.slice(0, 27).padEnd(28)}${fmt(r.requests).padStart(9)}${`${fmt(r.tokensSaved)} (−${r.tokensBefore ? ((r.tokensSaved / r.tokensBefore) * 100).toFixed(1) : '0.0'}%)`.padStart(22)}${usd(r.savedUsdAtList).padStart(11)}${usd(r.savedUsdWithCache).padStart(11)}`,
    ),
    '',
    `total: ${fmt(totals.requests)} requests, ${fmt(totals.tokensSaved)} of ${fmt(totals.tokensBefore)} tokens saved, ${usd(totals.savedUsdAtList)} at list prices, ${usd(totals.savedUsdWithCache)} with cache prices`,
  ];
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}
