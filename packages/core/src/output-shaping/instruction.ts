/**
 * Verbosity steering: a short instruction at the end of the system prompt that asks the model to
 * spend fewer output tokens (which cost up to five times input tokens). Its text depends on the
 * level alone, so every request of a session carries the same bytes and the prompt cache holds.
 */

/** 1: no preamble or recap; 2: also never restate what the context holds; 3: also conclusions only. */
export type VerbosityLevel = 1 | 2 | 3;

export const DEFAULT_VERBOSITY_LEVEL: VerbosityLevel = 2;

/** The tag the instruction is wrapped in; its presence makes adding it again a no-op. */
export const OUTPUT_SHAPING_TAG = 'headroom_output_shaping';

const RULES: readonly string[] = [
  'Reply without preamble or closing recap: begin with the substance and stop once it is delivered.',
  'Do not repeat code, file contents, diffs or tool output that this conversation already holds; point to them by path and line. Do not describe tool calls that succeeded beyond what they changed or revealed.',
  'Give conclusions and the smallest change that does the job; explain reasoning only when asked.',
];

/** The instruction for `level`, byte-identical on every call. */
export function verbosityInstruction(level: VerbosityLevel): string {
  const rules = RULES.slice(0, level).join('\n');
  return `<${OUTPUT_SHAPING_TAG} level="${level}">\n${rules}\n</${OUTPUT_SHAPING_TAG}>`;
}

/** Whether a request's text already carries an output-shaping instruction (from Headroom upstream of this one). */
export function carriesInstruction(text: string): boolean {
  return text.includes(`<${OUTPUT_SHAPING_TAG} `);
}

/** A level from configuration (`1`–`3`); undefined for anything else. */
export function parseVerbosityLevel(value: unknown): VerbosityLevel | undefined {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return n === 1 || n === 2 || n === 3 ? n : undefined;
}
