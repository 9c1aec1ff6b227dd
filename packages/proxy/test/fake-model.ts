import { answerScripted, DEPLOY_FACT, DEPLOY_LOG, type ModelScript, readRequest } from '../src/testing/index.js';
import type { json, Received } from './fake-upstream.js';

export const FACT = DEPLOY_FACT;
export const deployLog = DEPLOY_LOG;

/** Shown a marker, calls headroom_retrieve with its key; shown the retrieved original, answers with the line that matters. */
const retrieveThenAnswer: ModelScript = (request) => {
  const seen = readRequest(request);
  const usage = { input: 10, output: 5 };
  return seen.retrieved && request.body.includes('quota exceeded')
    ? { text: `The log says: ${FACT}`, usage }
    : { calls: [{ name: 'headroom_retrieve', args: { key: seen.keys[0], query: 'rollout paused' } }], usage };
};

/** A fake model for all four APIs (Chat Completions, Anthropic Messages, Responses, Gemini), streaming when asked. */
export function fakeModel(req: Received, res: Parameters<typeof json>[0]): Promise<void> {
  return answerScripted(retrieveThenAnswer, req, res);
}
