import { sha256Hex } from '../hash/sha256.js';
import type { VerbosityLevel } from './instruction.js';

/**
 * How a session's output is shaped, decided at its first request and kept for all of it (a
 * setting changed mid-session never changes a session's bytes):
 * - `off`: not shaped (the shaper was off when the session began) — the baseline of an estimate;
 * - `holdout`: the shaper was on, but this conversation is in the control group — a measurement;
 * - `shaped`: the instruction goes with every request, and with `effortRouting`, resumed turns
 *   have their effort lowered.
 */
export type OutputArm =
  | { readonly arm: 'off' }
  | { readonly arm: 'holdout' }
  | { readonly arm: 'shaped'; readonly level: VerbosityLevel; readonly effortRouting: boolean };

export interface OutputShaperSettings {
  readonly level: VerbosityLevel;
  /** Share of conversations kept unshaped as a control group, 0–0.5 (default 0). */
  readonly holdout?: number;
  /** Lower the effort of resumed turns (see `docs/output-shaping.md` for when it pays). */
  readonly effortRouting?: boolean;
}

/**
 * The arm a new session joins under `settings` (undefined: the shaper is off). The control group is
 * chosen from the session's id, so a conversation is in it on every request and every replica.
 */
export function armFor(session: string, settings: OutputShaperSettings | undefined): OutputArm {
  if (!settings) return { arm: 'off' };
  const share = Math.min(Math.max(settings.holdout ?? 0, 0), 0.5);
  const draw = Number.parseInt(sha256Hex(`output-holdout\u0000${session}`).slice(0, 8), 16) / 0x1_0000_0000;
  if (draw < share) return { arm: 'holdout' };
  return { arm: 'shaped', level: settings.level, effortRouting: settings.effortRouting === true };
}

/** An arm as kept with the session (a short string). */
export function armText(arm: OutputArm): string {
  return arm.arm === 'shaped' ? `shaped:${arm.level}${arm.effortRouting ? ':effort' : ''}` : arm.arm;
}

/** An arm read back; anything unknown (a session kept before output shaping existed) is `off`. */
export function armOfText(text: string): OutputArm {
  if (text === 'holdout') return { arm: 'holdout' };
  const shaped = /^shaped:([123])(:effort)?$/.exec(text);
  if (shaped) return { arm: 'shaped', level: Number(shaped[1]) as VerbosityLevel, effortRouting: Boolean(shaped[2]) };
  return { arm: 'off' };
}
