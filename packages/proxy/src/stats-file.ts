// Node-only: figures an earlier Headroom kept in a JSON file, carried into the shared counters.
import { readFileSync, renameSync, statSync } from 'node:fs';
import { type CounterIncrement, type CounterStore, dayOf } from './counters.js';
import type { ProxyStats } from './stats.js';

/**
 * Adds the figures of a `proxy-stats.json` that an earlier Headroom wrote (one process's totals,
 * last writer winning) to `counters`, once: the file is first renamed to `….imported`, so of two
 * proxies starting together only one carries it over. They are counted on the file's last day,
 * for agent and model `unknown`. A missing file does nothing; an unreadable one stays aside and
 * is reported through `warn`.
 */
export async function importSavedStats(
  path: string,
  counters: CounterStore,
  warn: (message: string) => void,
): Promise<void> {
  const taken = `${path}.imported`;
  let day: string;
  try {
    day = dayOf(statSync(path).mtimeMs);
    renameSync(path, taken);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${path}: ${(error as Error).message}`);
    return;
  }
  try {
    const stats = JSON.parse(readFileSync(taken, 'utf8')) as ProxyStats;
    if (typeof stats !== 'object' || stats === null || typeof stats.requests !== 'number')
      throw new Error('not a stats object');
    await counters.add(incrementsOf(stats, day));
  } catch (error) {
    warn(`${path} could not be carried over (${(error as Error).message}); it is kept as ${taken}`);
  }
}

function incrementsOf(stats: ProxyStats, day: string): CounterIncrement[] {
  const rows: CounterIncrement[] = [];
  const add = (name: string, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value) && value !== 0)
      rows.push({ day, agent: 'unknown', model: 'unknown', name, value });
  };
  for (const name of [
    'requests',
    'sessions',
    'compressedRequests',
    'tokensBefore',
    'tokensAfter',
    'inputTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'compressionMs',
    'retrieveRounds',
    'estimatedSavedUsd',
  ] as const)
    add(name, stats[name]);
  for (const [reason, count] of Object.entries(stats.passedThrough ?? {})) add(`passedThrough.${reason}`, count);
  for (const [name, t] of Object.entries(stats.byTransform ?? {})) {
    add(`transform.${name}.segments`, t.segments);
    add(`transform.${name}.tokensBefore`, t.tokensBefore);
    add(`transform.${name}.tokensAfter`, t.tokensAfter);
  }
  return rows;
}
