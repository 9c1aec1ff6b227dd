import { DEFAULT_VERBOSITY_LEVEL, type OutputShaperSettings, parseVerbosityLevel } from '@headroom/core';
import { usageError } from './cli-error.js';
import type { CliIo } from './io.js';

/** The output-shaping flags `headroom proxy` and `headroom wrap` take. */
export const OUTPUT_SHAPER_FLAGS = {
  'output-shaper': { type: 'boolean' },
  verbosity: { type: 'string' },
  'output-holdout': { type: 'string' },
  'effort-routing': { type: 'boolean' },
} as const;

export interface OutputShaperFlags {
  readonly 'output-shaper'?: boolean | undefined;
  readonly verbosity?: string | undefined;
  readonly 'output-holdout'?: string | undefined;
  readonly 'effort-routing'?: boolean | undefined;
}

const on = (value: string | undefined) => value !== undefined && /^(1|true|on|yes)$/i.test(value.trim());

/**
 * Output shaping from flags, else the environment (`HEADROOM_OUTPUT_SHAPER=1`,
 * `HEADROOM_VERBOSITY_LEVEL`, `HEADROOM_OUTPUT_HOLDOUT`, `HEADROOM_EFFORT_ROUTING=1`); undefined
 * when it is off (the default). A level, holdout or effort routing without the shaper is a usage
 * error rather than a setting silently ignored.
 */
export function outputShaperSettings(io: CliIo, flags: OutputShaperFlags): OutputShaperSettings | undefined {
  const enabled = flags['output-shaper'] ?? on(io.env.HEADROOM_OUTPUT_SHAPER);
  const levelText = flags.verbosity ?? io.env.HEADROOM_VERBOSITY_LEVEL;
  const holdoutText = flags['output-holdout'] ?? io.env.HEADROOM_OUTPUT_HOLDOUT;
  const effortRouting = flags['effort-routing'] ?? on(io.env.HEADROOM_EFFORT_ROUTING);
  if (!enabled) {
    const stray = flags.verbosity
      ? '--verbosity'
      : flags['output-holdout']
        ? '--output-holdout'
        : flags['effort-routing']
          ? '--effort-routing'
          : undefined;
    if (stray) throw usageError(`${stray} applies to --output-shaper; add --output-shaper`);
    return undefined;
  }
  const level = levelText === undefined ? DEFAULT_VERBOSITY_LEVEL : parseVerbosityLevel(levelText);
  if (level === undefined) throw usageError(`--verbosity takes 1, 2 or 3 (got '${levelText}')`);
  const holdout = holdoutText === undefined ? 0 : Number(holdoutText);
  if (!(Number.isFinite(holdout) && holdout >= 0 && holdout <= 0.5))
    throw usageError(`--output-holdout takes a share from 0 to 0.5, like 0.1 (got '${holdoutText}')`);
  return { level, holdout, effortRouting };
}

/** One line for the proxy's banner saying how output is shaped. */
export function describeOutputShaper(settings: OutputShaperSettings | undefined): string {
  if (!settings) return 'Output shaping: off (--output-shaper to turn it on)';
  const parts = [`verbosity level ${settings.level}`];
  if (settings.holdout) parts.push(`${Math.round(settings.holdout * 100)}% of sessions held out to measure it`);
  parts.push(settings.effortRouting ? 'effort lowered on resumed turns' : 'effort left as the client sets it');
  return `Output shaping: on for new sessions (${parts.join(', ')})`;
}
