import { MAX_RETRIEVE_ROUNDS } from '@headroom/ccr';
import { RETRIEVE_TOOL_NAME, type WireFormat } from '@headroom/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ModelScript,
  promptTokens,
  readRequest,
  type ScriptedCall,
  type ScriptedModel,
  startScriptedModel,
} from './scripted-model.js';

/** The line that matters in `DEPLOY_LOG`: the model can only quote it after retrieving the original. */
export const DEPLOY_FACT = '2024-05-01T11:00:00Z WARN rollout paused: quota exceeded in region eu-west-3';

/** A long tool output (1,201 lines) with one line that matters among routine ones. */
export const DEPLOY_LOG = [
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO pod web-${i} ready`,
  ),
  DEPLOY_FACT,
  ...Array.from(
    { length: 600 },
    (_, i) => `2024-05-01T10:30:${String(i % 60).padStart(2, '0')}Z INFO pod api-${i} ready`,
  ),
].join('\n');

/**
 * The conversation every mode sends, each in its own terms: a question, the model's call of the
 * client's own tool, and that tool's long output. The client declares the tool.
 */
export const ADAPTER_CONVERSATION = {
  question: 'Why did the rollout stop?',
  tool: {
    name: 'kubectl',
    description: 'Runs kubectl with the given arguments',
    parameters: {
      type: 'object' as const,
      properties: { cmd: { type: 'string' } },
      required: ['cmd'],
    },
  },
  call: { id: 'call_1', args: { cmd: 'logs deploy/web' } },
  result: DEPLOY_LOG,
};

/** What the caller of a mode got back from one request. */
export interface AdapterReply {
  /** The reply's text, all of it. */
  readonly text: string;
  /** The tool calls the caller was given, in order. */
  readonly toolCalls: readonly ScriptedCall[];
  /** The prompt size the caller was told, where the mode reports usage. */
  readonly inputTokens?: number;
}

/** One mode, started against a model: sends `ADAPTER_CONVERSATION` in a format and reads the reply. */
export interface AdapterDriver {
  send(format: WireFormat, stream: boolean): Promise<AdapterReply>;
  close?(): Promise<void>;
}

export interface AdapterMode {
  readonly name: string;
  /** The formats the mode is driven in. */
  readonly formats: readonly WireFormat[];
  /** Whether it is driven without streaming, streaming, or both. */
  readonly streams: readonly boolean[];
  /** Starts the mode with `modelUrl` as its model's base URL (`…/v1/…` and `…/v1beta/…` are served there). */
  start(modelUrl: string): Promise<AdapterDriver>;
}

const SUMMARY = 'The rollout paused on a quota.';
const NEXT = { name: 'kubectl', args: { cmd: 'get pods -n web' } };
const DROPPED = { name: 'kubectl', args: { cmd: 'describe deploy/web' } };

function retrieveCall(keys: readonly string[]): ScriptedCall {
  return { name: RETRIEVE_TOOL_NAME, args: { key: keys[0] ?? 'none', query: 'rollout paused' } };
}

/** The scripted turns, the same for every mode. */
const SCRIPTS = {
  /** Text only, whatever it was sent. */
  text: (() => ({ text: SUMMARY })) satisfies ModelScript,
  /** Shown a marker it retrieves the original; shown the original it quotes the line that matters. */
  retrieve: ((request) => {
    const seen = readRequest(request);
    return seen.retrieved ? { text: `The log says: ${DEPLOY_FACT}` } : { calls: [retrieveCall(seen.keys)] };
  }) satisfies ModelScript,
  /** Retrieves next to a call of the client's tool; once it has read the original, calls the client's tool again. */
  retrieveNextToTool: ((request) => {
    const seen = readRequest(request);
    return seen.retrieved
      ? { text: 'Checking the pods.', calls: [NEXT] }
      : { calls: [DROPPED, retrieveCall(seen.keys)] };
  }) satisfies ModelScript,
  /** Never stops retrieving. */
  roundCap: ((request) => ({ calls: [retrieveCall(readRequest(request).keys)] })) satisfies ModelScript,
};

/**
 * The contract every mode runs (the proxy over HTTP and WebSocket, `headroomFetch`/`withHeadroom`,
 * the Vercel middleware, the LangChain model), on the same scripted turns in every format it speaks:
 * a text-only turn reaches the caller as it is; a `headroom_retrieve` call is answered inside and the
 * caller sees only the answer; a retrieve next to a client tool call ends with the client's call, the
 * one made before the original was read left out; the model that never stops retrieving is cut off
 * after `MAX_RETRIEVE_ROUNDS` with its last turn given to the caller as it is. Throughout, the tool
 * output goes out compressed, `headroom_retrieve` is offered from the first request on, and where the
 * mode reports usage the caller is told its own prompt's size, not a retrieve round's.
 *
 * @example
 * import { runAdapterSuite } from '@headroom/proxy/testing'
 * runAdapterSuite({ name: 'my adapter', formats: ['openai'], streams: [false, true], start: async (url) => ({ send }) })
 */
export function runAdapterSuite(mode: AdapterMode): void {
  describe(`the ${mode.name} adapter`, () => {
    let model: ScriptedModel;
    let driver: AdapterDriver;
    beforeAll(async () => {
      model = await startScriptedModel(SCRIPTS.text);
      driver = await mode.start(model.url);
    });
    afterAll(async () => {
      await driver?.close?.();
      await model?.close();
    });

    /** Plays a script for one request and gives back the reply with what the model received meanwhile. */
    async function play(script: ModelScript, format: WireFormat, stream: boolean) {
      model.play(script);
      const before = model.received.length;
      const reply = await driver.send(format, stream);
      const sent = model.received.slice(before).filter((r) => r.format);
      expect(sent.length, 'requests the model received').toBeGreaterThan(0);
      return { reply, sent, first: sent[0]?.body ?? '' };
    }

    function expectCompressedFirst(first: string, reply: AdapterReply): void {
      expect(readRequest({ method: 'POST', path: '', headers: {}, body: first }).keys.length).toBeGreaterThan(0);
      expect(first).not.toContain(DEPLOY_LOG.slice(0, 2000));
      expect(first).toContain(RETRIEVE_TOOL_NAME);
      if (reply.inputTokens !== undefined) expect(reply.inputTokens).toBe(promptTokens(first));
    }

    for (const format of mode.formats)
      for (const stream of mode.streams)
        describe(`${format}${stream ? ', streaming' : ''}`, () => {
          it('a text-only turn reaches the caller as it is, the tool output sent compressed', async () => {
            const { reply, sent, first } = await play(SCRIPTS.text, format, stream);
            expect(reply.text).toBe(SUMMARY);
            expect(reply.toolCalls).toEqual([]);
            expect(sent).toHaveLength(1);
            expectCompressedFirst(first, reply);
          });

          it('a retrieve call is answered inside: the caller gets the answer only', async () => {
            const { reply, sent, first } = await play(SCRIPTS.retrieve, format, stream);
            expect(reply.text).toBe(`The log says: ${DEPLOY_FACT}`);
            expect(reply.toolCalls).toEqual([]);
            expect(sent).toHaveLength(2);
            expect(sent[1]?.body).toContain('quota exceeded in region eu-west-3');
            expectCompressedFirst(first, reply);
          });

          it('a retrieve next to a client tool call ends with the client’s call, made after reading', async () => {
            const { reply, sent, first } = await play(SCRIPTS.retrieveNextToTool, format, stream);
            expect(reply.text).toBe('Checking the pods.');
            expect(reply.toolCalls).toEqual([NEXT]);
            expect(sent).toHaveLength(2);
            expect(sent[1]?.body).toContain('quota exceeded in region eu-west-3');
            expect(sent[1]?.body).not.toContain(DROPPED.args.cmd);
            expectCompressedFirst(first, reply);
          });

          it(`a model that keeps retrieving is cut off after ${MAX_RETRIEVE_ROUNDS} rounds, its last turn given as it is`, async () => {
            const { reply, sent, first } = await play(SCRIPTS.roundCap, format, stream);
            expect(sent).toHaveLength(1 + MAX_RETRIEVE_ROUNDS);
            expect(reply.toolCalls.map((c) => c.name)).toEqual([RETRIEVE_TOOL_NAME]);
            expectCompressedFirst(first, reply);
          });
        });
  });
}
