import { join } from 'node:path';
import { headroomHome } from '@headroom/core';
import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { MODELS_HELP } from '../internal/help.js';
import { pullModel } from '../internal/hub.js';
import { type CliIo, write } from '../internal/io.js';
import { formatBytes } from '../internal/units.js';

const DEFAULT_HUB = 'https://huggingface.co';

/** `headroom models pull <hub-id> [--revision REV] [--dir DIR]`: fetches a Kompress model once, verified. */
export async function runModels(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('models', args, {
    revision: { type: 'string', default: 'main' },
    dir: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  const [sub, id, ...extra] = positionals;
  if (values.help || sub === undefined) {
    await write(io.stdout, MODELS_HELP);
    return values.help ? 0 : 2;
  }
  if (sub !== 'pull') throw usageError(`unknown models command '${sub}' (expected pull). Run 'headroom models --help'`);
  if (!id || extra.length) throw usageError("models pull takes one hub model id, like 'owner/name'");
  const hub = io.env.HEADROOM_HUB_URL || io.env.HF_ENDPOINT || DEFAULT_HUB;
  const dir = values.dir ?? join(headroomHome(io.env), 'models', id);
  const pulled = await pullModel(hub, id, values.revision, dir);
  const total = Object.values(pulled.files).reduce((a, f) => a + f.bytes, 0);
  await write(
    io.stdout,
    `pulled ${id} (${Object.keys(pulled.files).length} files, ${formatBytes(total)}, checked) into ${pulled.dir}\n` +
      `  export HEADROOM_KOMPRESS_MODEL=${pulled.dir}\n`,
  );
  return 0;
}
