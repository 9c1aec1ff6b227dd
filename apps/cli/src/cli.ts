import { isHeadroomError } from '@headroom/core';
import pkg from '../package.json' with { type: 'json' };
import { CliError, EXIT, usageError } from './internal/cli-error.js';
import { MAIN_HELP } from './internal/help.js';
import { type CliIo, write } from './internal/io.js';

type Command = (args: string[], io: CliIo) => Promise<number>;

/**
 * Each command loaded only when it runs: `headroom compress` does not pay for the MCP SDK, the proxy
 * or the memory store, and `--help` for none of them.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  compress: async () => (await import('./commands/compress.js')).runCompress,
  retrieve: async () => (await import('./commands/retrieve.js')).runRetrieve,
  ccr: async () => (await import('./commands/ccr.js')).runCcr,
  doctor: async () => (await import('./commands/doctor.js')).runDoctor,
  eval: async () => (await import('./commands/eval.js')).runEval,
  learn: async () => (await import('./commands/learn.js')).runLearn,
  mcp: async () => (await import('./commands/mcp.js')).runMcp,
  memory: async () => (await import('./commands/memory.js')).runMemory,
  models: async () => (await import('./commands/models.js')).runModels,
  'output-savings': async () => (await import('./commands/output-savings.js')).runOutputSavings,
  proxy: async () => (await import('./commands/proxy.js')).runProxy,
  savings: async () => (await import('./commands/savings.js')).runSavings,
  stats: async () => (await import('./commands/stats.js')).runStats,
  wrap: async () => (await import('./commands/wrap.js')).runWrap,
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
    const load = COMMANDS[command];
    if (!load) {
      throw usageError(
        command.startsWith('-')
          ? `unknown option '${command}'. Run 'headroom --help' for usage`
          : `unknown command '${command}'. Run 'headroom --help' to see the commands`,
      );
    }
    return await (await load())(rest, io);
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
