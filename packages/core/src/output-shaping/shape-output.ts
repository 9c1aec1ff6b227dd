import type { TurnKind } from '../dialects/output-controls.js';
import { DIALECTS } from '../dialects/registry.js';
import type { WireFormat } from '../request/segment.js';
import { carriesInstruction, verbosityInstruction } from './instruction.js';
import type { OutputArm } from './session-arm.js';

export interface ShapedRequest {
  /** The request's JSON text, shaped (or as it came). */
  readonly text: string;
  /** What its last turn asks of the model: the stratum its output is counted in. */
  readonly turn: TurnKind;
  /** The instruction went in. */
  readonly instructed: boolean;
  /** The client's effort or thinking budget was lowered. */
  readonly effortLowered: boolean;
}

/**
 * Shapes one request of a session in its arm, in the client's own bytes: the verbosity instruction
 * appended at the end of the system prompt (left out when it is there already), and on a turn that
 * only resumes after successful tool results, the effort the client set lowered when the arm
 * routes effort. New questions and failed tools keep the client's full effort.
 */
export function shapeOutput(
  text: string,
  request: Record<string, unknown>,
  format: WireFormat,
  arm: OutputArm,
): ShapedRequest {
  const dialect = DIALECTS[format];
  const turn = dialect.turnKind(request);
  if (arm.arm !== 'shaped') return { text, turn, instructed: false, effortLowered: false };
  let out = text;
  let instructed = false;
  if (!carriesInstruction(text)) {
    const added = dialect.addToSystemPrompt(out, request, verbosityInstruction(arm.level));
    if (added !== undefined) {
      out = added;
      instructed = true;
    }
  }
  let effortLowered = false;
  if (arm.effortRouting && turn === 'resume') {
    // Effort fields lie outside the system prompt, so the edit above left their paths as they were.
    const lowered = dialect.lowerEffort(out, request);
    effortLowered = lowered !== out;
    out = lowered;
  }
  return { text: out, turn, instructed, effortLowered };
}
