import { replaceValueAt } from './json-text.js';

/**
 * What the last turn of a request asks of the model:
 * - `ask`: something new from the user (a question, an instruction, an image);
 * - `resume`: only results of the model's own tool calls, none of them failed — the model goes on
 *   with work it already planned;
 * - `error`: tool results of which at least one failed — the model has to think again.
 */
export type TurnKind = 'ask' | 'resume' | 'error';

/** A positive number, else undefined (a request's token limit as sent). */
export const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** The effort a resumed turn is lowered to, in every format that names efforts by word. */
export const LOW_EFFORT = 'low';
/** The thinking budget a resumed turn is lowered to (Anthropic's smallest allowed budget). */
export const LOW_THINKING_BUDGET = 1024;

/** Efforts above `low`, as the providers spell them; `none`, `minimal` and `low` are left alone. */
const ABOVE_LOW = new Set(['medium', 'high', 'xhigh', 'max']);

/**
 * Whether a tool's output reads as a failure where the format has no error flag: its opening says
 * so. Generous on purpose: a success taken for a failure only keeps the model's full effort.
 */
export function readsAsFailure(text: string): boolean {
  const opening = text.slice(0, 400);
  return /\b(error|exception|traceback|failed|failure|fatal|panic|denied|not found|no such file|exit (code|status)[: ]*[1-9])\b/i.test(
    opening,
  );
}

/** `error` when any of the results failed, else `resume`; `ask` when there are none. */
export function kindOfResults(failed: readonly boolean[]): TurnKind {
  if (failed.length === 0) return 'ask';
  return failed.some(Boolean) ? 'error' : 'resume';
}

/**
 * The JSON text with the effort word at `path` lowered to `low`, when the client set one above it;
 * unchanged otherwise (never added, never raised).
 */
export function lowerEffortWord(text: string, path: readonly (string | number)[], value: unknown): string {
  if (typeof value !== 'string' || !ABOVE_LOW.has(value.toLowerCase())) return text;
  // In the client's own spelling (Gemini's enums are also sent as `HIGH`).
  const low = value === value.toUpperCase() ? LOW_EFFORT.toUpperCase() : LOW_EFFORT;
  return replaceValueAt(text, path, JSON.stringify(low)) ?? text;
}

/**
 * The JSON text with the thinking budget at `path` lowered to 1,024 tokens, when the client set a
 * larger positive one; a budget that switches thinking off (0) or leaves it to the model (-1) is
 * not the client's number to lower.
 */
export function lowerBudget(text: string, path: readonly (string | number)[], value: unknown): string {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= LOW_THINKING_BUDGET) return text;
  return replaceValueAt(text, path, String(LOW_THINKING_BUDGET)) ?? text;
}
