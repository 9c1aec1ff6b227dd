import { isHeadroomError } from '@headroom/core';
import pkg from '../package.json' with { type: 'json' };
import { runCcr } from './commands/ccr.js';
import { runCompress } from './commands/compress.js';
import { runEval } from './commands/eval.js';
import { runMcp } from './commands/mcp.js';
import { runMemory } from './commands/memory.js';
import { runModels } from './commands/models.js';
import { runProxy } from './commands/proxy.js';
import { runRetrieve } from './commands/retrieve.js';
import { runStats } from './commands/stats.js';
import { runWrap } from './commands/wrap.js';
import { CliError, EXIT, usageError } from './internal/cli-error.js';
import { MAIN_HELP } from './internal/help.js';
import { type CliIo, write } from './internal/io.js';

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  compress: runCompress,
  retrieve: runRetrieve,
  ccr: runCcr,
  eval: runEval,
  mcp: runMcp,
  memory: runMemory,
  models: runModels,
  proxy: runProxy,
  stats: runStats,
  wrap: runWrap,
};

/**
 * Runs the `headroom` command and returns its exit code. Every failure becomes one line on
 * stderr; `--debug` adds the stack.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      await write(io.stdout, MAIN_HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '--version' || command === '-v') {
      await write(io.stdout, `${pkg.version}\n`);
      return EXIT.ok;
    }
    const run = COMMANDS[command];
    if (!run) {
      throw usageError(
        command.startsWith('-')
          ? `unknown option '${command}'. Run 'headroom --help' for usage`
          : `unknown command '${command}'. Run 'headroom --help' to see the commands`,
      );
    }
    return await run(rest, io);
  } catch (error) {
    await write(io.stderr, `headroom: ${oneLine(error)}\n`);
    if (debug && error instanceof Error && error.stack) await write(io.stderr, `${error.stack}\n`);
    return error instanceof CliError ? error.exitCode : EXIT.badInput;
  }
}

function oneLine(error: unknown): string {
  if (error instanceof CliError || isHeadroomError(error)) return error.message.split('\n')[0] ?? '';
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message.split('\n')[0]} (run again with --debug for details)`;
}
