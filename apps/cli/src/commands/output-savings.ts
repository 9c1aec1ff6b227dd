import { parseCommandArgs } from '../internal/args.js';
import { usageError } from '../internal/cli-error.js';
import { OUTPUT_SAVINGS_HELP } from '../internal/help.js';
import { type CliIo, write } from '../internal/io.js';
import { readStats } from '../internal/read-stats.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * `headroom output-savings [--url URL] [--token TOKEN] [--json]`: what output shaping saved, with
 * its basis (measured against a holdout, or estimated against unshaped sessions) and its 95%
 * interval, overall and per stratum.
 */
export async function runOutputSavings(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('output-savings', args, {
    url: { type: 'string' },
    token: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    debug: { type: 'boolean', default: false },
  });
  if (values.help) {
    await write(io.stdout, OUTPUT_SAVINGS_HELP);
    return 0;
  }
  if (positionals.length) throw usageError(`output-savings takes no arguments. Run 'headroom output-savings --help'`);
  const { stats, source } = await readStats(io, values);
  const output = stats.outputShaping;
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ outputTokens: stats.outputTokens ?? 0, ...output })}\n`);
    return 0;
  }
  const lines = [source];
  if (!output || output.shapedTurns === 0) {
    lines.push(
      'output       no shaped turns yet: start the proxy with --output-shaper (HEADROOM_OUTPUT_SHAPER=1);',
      '             --output-holdout 0.1 keeps a tenth of sessions unshaped, to measure rather than estimate',
    );
  } else if (output.basis === 'none') {
    lines.push(
      `output       ${fmt(output.shapedTurns)} shaped turns, none yet with unshaped turns of the same kind, size and model to compare with`,
    );
  } else {
    const against =
      output.basis === 'measured' ? 'held-out sessions (measured)' : 'sessions begun without shaping (estimated)';
    lines.push(
      `saved        ${fmt(output.savedTokens)} output tokens (${(output.savedShare * 100).toFixed(1)}%), 95% interval ${fmt(output.low)} to ${fmt(output.high)}`,
      `basis        ${fmt(output.shapedTurns - output.uncoveredTurns)} shaped turns against ${fmt(output.controlTurns)} of ${against}` +
        (output.uncoveredTurns ? `; ${fmt(output.uncoveredTurns)} shaped turns had nothing to compare with` : ''),
      'strata       model · turn · prompt size: shaped mean vs unshaped mean output tokens (turns)',
      ...output.strata.map(
        (s) =>
          `  ${`${s.model} · ${s.turn} · ${s.bucket}`.padEnd(40)} ${Math.round(s.shapedMean)} vs ${Math.round(s.controlMean)} (${s.shapedTurns} vs ${s.controlTurns})`,
      ),
    );
  }
  await write(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}
