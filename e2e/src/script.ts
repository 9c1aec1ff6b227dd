import type { Conversation } from './conversation.js';

/** What the scripted model does next: call a tool, or answer in text. */
export type Action =
  /** A function call with JSON arguments, or a call of a freeform (custom) tool with a text input. */
  | { readonly kind: 'call'; readonly name: string; readonly input: Record<string, unknown> | string }
  | { readonly kind: 'text'; readonly text: string };

/** A prompt carrying this tag asks the model to run the plan; any other prompt is answered at once. */
export const PLAN_TAG = '[e2e-plan]';
/** Every final answer starts with this, so a test can find it in the agent's output. */
export const ANSWER_PREFIX = 'E2E-ANSWER';
export const RETRIEVE_TOOL = 'headroom_retrieve';

/** One tool call of the plan, chosen from what the conversation holds so far. */
export type PlanStep = (conversation: Conversation) => { name: string; input: Record<string, unknown> | string };

const KEY = /headroom:([0-9a-f]{24})/;
/** The note beside an image sent smaller than it came: its original's size. */
const IMAGE_NOTE = /of its original (\d+)×(\d+)/;

/**
 * The scripted conversation: run the plan's tool calls one per turn; then, when Headroom offered
 * `headroom_retrieve` and a tool result carries a key, call it with the first key (for an image sent
 * smaller, asking for its top-left quarter at full resolution, as a model zooming in would); then answer.
 * Requests without tools (titles, summaries, probes) get a short text.
 */
export function decide(conversation: Conversation, plan: readonly PlanStep[]): Action {
  const { tools, calls, lastUserText } = conversation;
  if (!tools.length) return { kind: 'text', text: 'Scripted reply' };
  const retrieved = calls.find((c) => c.name === RETRIEVE_TOOL && c.result !== undefined);
  if (!lastUserText.includes(PLAN_TAG) || retrieved) return { kind: 'text', text: answer(conversation) };
  const done = calls.filter((c) => c.name !== RETRIEVE_TOOL);
  const next = plan[done.length];
  if (next) return { kind: 'call', ...next(conversation) };
  const keyed = done.find((c) => KEY.test(c.result ?? ''));
  const key = KEY.exec(keyed?.result ?? '')?.[1];
  if (key && tools.includes(RETRIEVE_TOOL)) {
    const image = IMAGE_NOTE.exec(keyed?.result ?? '');
    const region = image && { x: 0, y: 0, w: Math.floor(Number(image[1]) / 2), h: Math.floor(Number(image[2]) / 2) };
    return { kind: 'call', name: RETRIEVE_TOOL, input: region ? { key, region } : { key } };
  }
  return { kind: 'text', text: answer(conversation) };
}

function answer({ calls }: Conversation): string {
  const retrieve = calls.find((c) => c.name === RETRIEVE_TOOL);
  const outputs = calls.filter((c) => c.name !== RETRIEVE_TOOL).length;
  return `${ANSWER_PREFIX}: read ${outputs} outputs${retrieve ? `; retrieved ${retrieve.result?.length ?? 0} chars` : ''}.`;
}
