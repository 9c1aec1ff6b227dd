import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { CCR_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { openStorage, storageUrl } from '../internal/storage.js';
import { formatBytes, formatDuration, requireDuration } from '../internal/units.js';

/** `headroom ccr stats`, `headroom ccr purge (--older-than DURATION | --all)` and `headroom ccr migrate --to URL`. */
export async function runCcr(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('ccr', args, {
    json: { type: 'boolean', default: false },
    store: { type: 'string' },
    to: { type: 'string' },
    'older-than': { type: 'string' },
    all: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  const [sub, ...extra] = positionals;
  if (values.help || sub === undefined) {
    await write(io.stdout, CCR_HELP);
    return values.help ? 0 : 2;
  }
  if (extra.length > 0 || !['stats', 'purge', 'migrate'].includes(sub)) {
    throw usageError(
      `unknown ccr command '${[sub, ...extra].join(' ')}' (expected stats, purge or migrate). Run 'headroom ccr --help'`,
    );
  }
  if (sub === 'migrate') return migrate(io, values.store, values.to, values.json);
  if (sub === 'purge' && values.all === (values['older-than'] !== undefined)) {
    throw usageError("purge needs exactly one of --older-than DURATION (e.g. 3d) or --all. Run 'headroom ccr --help'");
  }
  const olderThanMs =
    values['older-than'] !== undefined ? requireDuration('--older-than', values['older-than']) : undefined;

  const config = await loadConfig(io);
  const storage = await openStorage(io, config, storageUrl(io, config, values.store));
  const store = storage.store;
  try {
    if (sub === 'purge') {
      const removed = await store.purge(olderThanMs !== undefined ? { olderThanMs } : { all: true });
      const left = await store.stats();
      await write(
        io.stdout,
        values.json
          ? `${JSON.stringify({ removed, entries: left.entries, bytes: left.bytes })}\n`
          : `removed ${removed} ${removed === 1 ? 'entry' : 'entries'}; ${left.entries} left (${formatBytes(left.bytes)})\n`,
      );
      return 0;
    }
    const stats = await store.stats();
    if (values.json) {
      await write(io.stdout, `${JSON.stringify(stats)}\n`);
      return 0;
    }
    const lines = [
      `store        ${stats.location}`,
      `entries      ${stats.entries} (${formatBytes(stats.bytes)} of ${formatBytes(stats.maxBytes)} cap)`,
      `retention    ${formatDuration(stats.retentionMs)} after last use`,
      `hits         ${stats.hits}`,
      `expired      ${stats.expired}`,
      `evicted      ${stats.evictedForSize} by the size cap, ${stats.evictedYoung} of them less than a day old`,
    ];
    if (stats.evictedYoung > 0)
      lines.push('warning      the size cap forces out young entries; raise store.maxSize in headroom.config.json');
    await write(io.stdout, `${lines.join('\n')}\n`);
    return 0;
  } finally {
    await storage.close();
  }
}

/**
 * Copies every unexpired original from one store (`--store`, default the machine's database) into
 * another (`--to`): how a machine's originals move to a fleet's Redis. Copies are stored anew (a
 * fresh retention period); originals the target already holds count as already there.
 */
async function migrate(io: CliIo, from: string | undefined, to: string | undefined, json: boolean): Promise<number> {
  if (!to) throw usageError("ccr migrate needs --to URL (e.g. redis://host:6379). Run 'headroom ccr --help'");
  const config = await loadConfig(io);
  const source = await openStorage(io, config, storageUrl(io, config, from));
  const target = await openStorage(io, config, to);
  try {
    let copied = 0;
    let present = 0;
    let bytes = 0;
    for await (const entry of source.store.entries()) {
      if (await target.store.get(entry.key)) present++;
      else {
        const { key, original, contentType, toolName, tokens } = entry;
        await target.store.put({ key, original, contentType, ...(toolName !== undefined ? { toolName } : {}), tokens });
        copied++;
        bytes += Buffer.byteLength(original);
      }
    }
    await write(
      io.stdout,
      json
        ? `${JSON.stringify({ copied, alreadyThere: present, bytes, from: source.location, to: target.location })}\n`
        : `copied ${copied} ${copied === 1 ? 'original' : 'originals'} (${formatBytes(bytes)}) from ${source.location} to ${target.location}; ${present} already there\n`,
    );
    return 0;
  } finally {
    await source.close();
    await target.close();
  }
}
