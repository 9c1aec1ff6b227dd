/** Exit codes are part of the CLI contract: scripts and CI branch on them. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;

/**
 * An error the user can act on: printed as one line on stderr (`headroom: …`), never with a
 * stack trace unless `--debug` is given.
 */
export class CliError extends Error {
  constructor(
    readonly exitCode: (typeof EXIT)[keyof typeof EXIT],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
export const inputError = (message: string, cause?: unknown) => new CliError(EXIT.badInput, message, { cause });
