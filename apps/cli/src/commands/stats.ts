import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { STATS_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { type Figures, readStats, type Stats } from '../internal/read-stats.js';

/** `headroom stats [--url URL] [--token TOKEN] [--json]`: what a running proxy has saved so far. */
export async function runStats(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('stats', args, {
    url: { type: 'string' },
    token: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, STATS_HELP);
    return 0;
  }
  if (positionals.length) throw usageError(`stats takes no arguments. Run 'headroom stats --help'`);
  const { stats, source } = await readStats(io, values);
  if (values.json) {
    await write(io.stdout, `${JSON.stringify(stats)}\n`);
    return 0;
  }
  const saved = stats.tokensBefore ? (1 - stats.tokensAfter / stats.tokensBefore) * 100 : 0;
  const lines = [
    source,
    `requests     ${stats.requests} (${stats.compressedRequests} compressed) in ${plural(stats.sessions ?? 0, 'session')}; ${plural(stats.retrieveRounds ?? 0, 'retrieve round')} answered`,
    ...(Object.keys(stats.passedThrough ?? {}).length
      ? [
          `uncompressed ${Object.entries(stats.passedThrough ?? {})
            .map(([reason, n]) => `${n} ${reason}`)
            .join(', ')} (forwarded as sent)`,
        ]
      : []),
    `tokens       ${stats.tokensBefore.toLocaleString('en-US')} → ${stats.tokensAfter.toLocaleString('en-US')} (−${saved.toFixed(1)}%)`,
    `upstream     ${stats.inputTokens.toLocaleString('en-US')} input tokens, ${stats.cacheReadTokens.toLocaleString('en-US')} read from cache, ${stats.cacheWriteTokens.toLocaleString('en-US')} written`,
    ...(stats.images
      ? [
          `images       ${stats.images} (${(stats.imageTokens ?? 0).toLocaleString('en-US')} tokens as they came): ` +
            `${stats.imagesDownscaled ?? 0} downscaled, ${stats.imageDuplicates ?? 0} duplicates, ` +
            `${(stats.imageTokensSaved ?? 0).toLocaleString('en-US')} tokens saved`,
        ]
      : []),
    `compression  ${stats.compressionMs} ms in all`,
    `saved        ~$${stats.estimatedSavedUsd.toFixed(4)} of input at list prices (estimate)`,
    ...(stats.components?.prose ? [`prose        ${describeProse(stats.components.prose)}`] : []),
    ...(stats.replicas
      ? [
          `replicas     ${Object.entries(stats.replicas)
            .map(([name, f]) => `${name} ${plural(f.requests, 'request')}`)
            .join(', ')}`,
        ]
      : []),
    ...(stats.components?.memory
      ? [`memory       ${stats.components.memory.location} (search: ${stats.components.memory.search})`]
      : []),
    ...breakdown('agents', stats.byAgent),
    ...breakdown('models', stats.byModel),
    ...Object.entries(stats.byTransform).map(
      ([name, t]) =>
        `  ${name.padEnd(20)} ${t.segments} segments, ${t.tokensBefore.toLocaleString('en-US')} → ${t.tokensAfter.toLocaleString('en-US')}`,
    ),
  ];
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}

/** One line per agent or model, busiest first. */
function breakdown(title: string, groups: Record<string, Figures> | undefined): string[] {
  const entries = Object.entries(groups ?? {}).sort((a, b) => b[1].requests - a[1].requests);
  if (!entries.length) return [];
  return [
    `${title.padEnd(12)} ${entries
      .map(([name, f]) => {
        const saved = f.tokensBefore ? ` −${((1 - f.tokensAfter / f.tokensBefore) * 100).toFixed(1)}%` : '';
        return `${name} ${plural(f.requests, 'request')}${saved}`;
      })
      .join(', ')}`,
  ];
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What prose runs on: Kompress with its workers and fallbacks, or the extractive compressor and why. */
function describeProse(prose: NonNullable<NonNullable<Stats['components']>['prose']>): string {
  if (prose.engine === 'kompress')
    return `kompress (${prose.pool?.ready ?? 0} workers ready, ${prose.fallbacks ?? 0} fallbacks to the extractive compressor)`;
  return `extractive (${prose.kompress ?? 'Kompress is off'})`;
}
