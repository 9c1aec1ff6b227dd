import { retrieve } from '@headroom/ccr';
import { formatRetrievedHeader } from '@headroom/core';
import { parseCommandArgs } from '../internal/args.js';
import { inputError, usageError } from '../internal/cli-error.js';
import { loadConfig } from '../internal/config.js';
import { RETRIEVE_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { openStorage, storageUrl } from '../internal/storage.js';

/**
 * `headroom retrieve KEY [--query TEXT] [--json]`. Without a query, stdout carries the exact
 * original bytes (so its hash matches) and the retrieved-content header goes to stderr: an agent
 * that runs this in a shell sees both, so no Headroom instance compresses the result again.
 */
export async function runRetrieve(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('retrieve', args, {
    query: { type: 'string' },
    json: { type: 'boolean', default: false },
    store: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, RETRIEVE_HELP);
    return 0;
  }
  const [key, ...extra] = positionals;
  if (key === undefined || extra.length > 0) {
    throw usageError(
      "retrieve takes one KEY (the hex digits after 'headroom:' in a marker). Run 'headroom retrieve --help'",
    );
  }
  const config = await loadConfig(io);
  const storage = await openStorage(io, config, storageUrl(io, config, values.store));
  const store = storage.store;
  try {
    const result = await retrieve(store, key, values.query !== undefined ? { query: values.query } : {});
    if (!result.found) throw inputError(result.text);
    if (values.json) {
      const content = values.query !== undefined ? result.text : result.original;
      await write(io.stdout, `${JSON.stringify({ key: result.key, query: values.query ?? null, content })}\n`);
    } else if (values.query !== undefined) {
      await write(io.stdout, `${result.text}\n`);
    } else {
      // A stored image is kept as its data URL (what its key is the digest of): it is given as such.
      const what = result.image
        ? 'the original image as a data URL'
        : `the original, ${result.original.split('\n').length} lines`;
      await write(io.stderr, `${formatRetrievedHeader(result.key, `${what}, on stdout`)}\n`);
      await write(io.stdout, result.original);
    }
    return 0;
  } finally {
    await storage.close();
  }
}
