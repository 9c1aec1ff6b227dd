import { type ParseArgsConfig, parseArgs } from 'node:util';

type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

import { usageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` in strict mode, with its errors turned into one-line usage errors that
 * name the command's help.
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${describe(error)}. Run 'headroom ${command} --help' for usage`);
  }
}

/** Node's parseArgs messages run to several sentences; users get the first fact only. */
function describe(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^']*)'/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return `option '${option}' needs a value`;
  return (message ?? String(error)).split('\n')[0]?.replace(/\.$/, '') ?? 'bad arguments';
}
