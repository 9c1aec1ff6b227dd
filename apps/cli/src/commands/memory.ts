import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { MemoryEntry, MemoryScope } from '@headroom/memory';
import { parseCommandArgs } from '../internal/args.js';
import { inputError, usageError } from '../internal/cli-error.js';
import { MEMORY_HELP } from '../internal/help.js';
import { readInput } from '../internal/input.js';
import { type CliIo, write } from '../internal/io.js';
import { openMemoryDb } from '../internal/memory-db.js';
import { requireDuration } from '../internal/units.js';

const SCOPES = ['global', 'project', 'session'];

/** `headroom memory add|search|list|forget|export|import`: the machine's shared memory. */
export async function runMemory(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('memory', args, {
    scope: { type: 'string' },
    tag: { type: 'string', multiple: true },
    agent: { type: 'string' },
    project: { type: 'string' },
    session: { type: 'string' },
    expires: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'memory-db': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    await write(io.stdout, MEMORY_HELP);
    return values.help ? 0 : 2;
  }
  if (values.scope !== undefined && !SCOPES.includes(values.scope))
    throw usageError(`--scope is one of ${SCOPES.join(', ')} (got '${values.scope}')`);
  if (sub === 'add' && values.scope === 'session' && !values.session)
    throw usageError('--scope session needs the session: --session ID');
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
    throw usageError(`--limit takes a positive whole number (got '${values.limit}')`);
  const context = { project: values.project ?? io.cwd, ...(values.session ? { session: values.session } : {}) };
  const out = (value: unknown, human: string) => write(io.stdout, values.json ? `${JSON.stringify(value)}\n` : human);

  const { memory } = await openMemoryDb(io, values['memory-db']);
  try {
    switch (sub) {
      case 'add': {
        const text = rest.join(' ').trim();
        if (!text) throw usageError("memory add needs the text to remember. Run 'headroom memory --help'");
        const { entry, outcome } = await memory
          .save({
            text,
            ...(values.scope ? { scope: values.scope as MemoryScope } : {}),
            agent: values.agent ?? 'cli',
            ...context,
            ...(values.tag ? { tags: values.tag } : {}),
            ...(values.expires ? { expiresAt: Date.now() + requireDuration('--expires', values.expires) } : {}),
          })
          .catch((error: Error) => {
            throw inputError(error.message, error);
          });
        const said = { created: 'saved', duplicate: 'already known as', merged: 'merged into' }[outcome];
        await out({ outcome, memory: entry }, `${said} #${entry.id}\n`);
        return 0;
      }
      case 'search': {
        const query = rest.join(' ').trim();
        if (!query) throw usageError("memory search needs a query. Run 'headroom memory --help'");
        const hits = await memory.search(query, {
          ...context,
          ...(limit ? { limit } : {}),
          ...(values.tag ? { tags: values.tag } : {}),
        });
        await out(
          hits.map((h) => ({ ...h.entry, score: h.score, matchedBy: h.matchedBy })),
          hits.length ? hits.map((h) => `${line(h.entry)}\n`).join('') : 'no memories match\n',
        );
        return 0;
      }
      case 'list': {
        if (rest.length) throw usageError(`memory list takes no arguments (got '${rest[0]}')`);
        const entries = await memory.list({
          ...context,
          all: values.all,
          ...(values.scope ? { scope: values.scope as MemoryScope } : {}),
          ...(limit ? { limit } : {}),
        });
        await out(entries, entries.length ? entries.map((e) => `${line(e)}\n`).join('') : 'no memories yet\n');
        return 0;
      }
      case 'forget': {
        const ids = rest.map(Number);
        if (!ids.length || ids.some((id) => !Number.isInteger(id) || id <= 0))
          throw usageError("memory forget takes memory ids (the #numbers 'headroom memory list' shows)");
        // All or nothing: one unknown id and none is forgotten.
        const found = await Promise.all(ids.map((id) => memory.get(id)));
        const missing = ids.filter((_id, i) => !found[i]);
        if (missing.length)
          throw inputError(`no memory ${missing.map((id) => `#${id}`).join(', ')}; nothing was forgotten`);
        for (const id of ids) await memory.forget(id);
        await out({ forgotten: ids }, `forgot ${ids.map((id) => `#${id}`).join(', ')}\n`);
        return 0;
      }
      case 'export': {
        if (rest.length > 1) throw usageError('memory export takes at most one FILE (default: standard output)');
        // Everything by default (a backup); --project DIR: what that directory sees.
        const exported = await memory.export(values.project ? context : { all: true });
        const data = `${JSON.stringify(exported, null, 2)}\n`;
        if (rest[0] && rest[0] !== '-') {
          await writeFile(resolve(io.cwd, rest[0]), data).catch((error: NodeJS.ErrnoException) => {
            throw inputError(`cannot write ${rest[0]}: ${error.code ?? error.message}`, error);
          });
          await write(io.stderr, `headroom: exported ${exported.memories.length} memories to ${rest[0]}\n`);
        } else await write(io.stdout, data);
        return 0;
      }
      case 'import': {
        const [file, ...extra] = rest;
        if (!file || extra.length) throw usageError('memory import takes one FILE (or - for standard input)');
        const bytes = await readInput(file, io);
        let data: unknown;
        try {
          data = JSON.parse(bytes.toString('utf8'));
        } catch (error) {
          throw inputError(`${file} is not JSON (${(error as Error).message}); nothing was imported`, error);
        }
        const counts = await memory.import(data).catch((error: Error) => {
          throw inputError(`${error.message}; nothing was imported`, error);
        });
        await out(
          counts,
          `imported: ${counts.created} new, ${counts.merged} merged, ${counts.duplicate} already known\n`,
        );
        return 0;
      }
      default:
        throw usageError(
          `unknown memory command '${sub}' (expected add, search, list, forget, export or import). Run 'headroom memory --help'`,
        );
    }
  } finally {
    await memory.close();
  }
}

/** One memory per line: id, text, tags, scope and who said it. */
function line(entry: MemoryEntry): string {
  const tags = entry.tags.length ? ` [${entry.tags.join(', ')}]` : '';
  const agents = [...new Set(entry.provenance.map((p) => p.agent))].join(', ');
  return `#${entry.id} ${entry.text}${tags} (${entry.scope}; from ${agents})`;
}
