import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import {
  MAX_RETRIEVE_ROUNDS,
  runRetrieveRounds,
  type StreamConversation,
  streamRetrieveRounds,
  type TurnConversation,
} from './retrieve-rounds.js';

/** A turn of a toy conversation: words said, and keys asked for. */
interface Turn {
  readonly said: string;
  readonly asks: readonly string[];
}
type Request = readonly string[];

async function storeWith(text: string) {
  const store = createMemoryStore();
  const key = '0123456789abcdef01234567';
  await store.put({ key, original: text, contentType: 'text', tokens: 2 });
  return { store, key };
}

const rounds = {
  retrieveCalls: (turn: Turn) => turn.asks.map((key, i) => ({ id: `c${i}`, args: { key } })),
  followUp: (request: Request, turn: Turn, answered: readonly { answer: { text: string; isError: boolean } }[]) => [
    ...request,
    turn.said,
    ...answered.map((a) => `${a.answer.isError ? 'error' : 'answer'}: ${a.answer.text}`),
  ],
};

describe('runRetrieveRounds', () => {
  it('answers each call from the store and asks again until a turn asks for nothing', async () => {
    const { store, key } = await storeWith('the original');
    const asked: Request[] = [];
    const conversation: TurnConversation<Request, Turn> = {
      ...rounds,
      ask: async (request) => {
        asked.push(request);
        return { said: 'done', asks: [] };
      },
    };
    const seen: number[] = [];
    const out = await runRetrieveRounds(
      conversation,
      ['q'],
      { said: 'let me look', asks: [key] },
      {
        store,
        onRound: (n) => seen.push(n),
      },
    );
    expect(out).toEqual({ turn: { said: 'done', asks: [] }, rounds: 1 });
    expect(seen).toEqual([1]);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.slice(0, 2)).toEqual(['q', 'let me look']);
    expect(asked[0]?.[2]).toMatch(/^answer: .*the original/s);
  });

  it('stops at the round cap and gives the caller the last turn as it is', async () => {
    const { store, key } = await storeWith('x');
    let asks = 0;
    const forever: Turn = { said: 'again', asks: [key] };
    const conversation: TurnConversation<Request, Turn> = {
      ...rounds,
      ask: async () => {
        asks++;
        return forever;
      },
    };
    const out = await runRetrieveRounds(conversation, [], forever, { store });
    expect(out.rounds).toBe(MAX_RETRIEVE_ROUNDS);
    expect(asks).toBe(MAX_RETRIEVE_ROUNDS);
    expect(out.turn).toBe(forever);
  });

  it('answers an unknown key as an error the model can read, without throwing', async () => {
    const store = createMemoryStore();
    let request: Request = [];
    const conversation: TurnConversation<Request, Turn> = {
      ...rounds,
      ask: async (r) => {
        request = r;
        return { said: 'ok', asks: [] };
      },
    };
    await runRetrieveRounds(conversation, [], { said: '', asks: ['f'.repeat(24)] }, { store });
    expect(request.at(-1)).toMatch(/^error: /);
  });
});

/** Parts of a toy stream: `t:` text the caller may have at once, `c:KEY` a retrieve call, `end`. */
function streamOf(parts: readonly string[]): AsyncIterable<string> {
  return (async function* () {
    for (const part of parts) yield part;
  })();
}

function streaming(script: readonly (readonly string[])[], fail?: (error: unknown) => string[]) {
  let next = 1;
  const conversation: StreamConversation<Request, string, string, Turn> = {
    ...rounds,
    nextTurn() {
      const held: string[] = [];
      const asks: string[] = [];
      let said = '';
      return {
        see(part) {
          if (part.startsWith('c:')) {
            asks.push(part.slice(2));
            held.push(part);
            return [];
          }
          if (held.length) {
            held.push(part);
            return [];
          }
          said += part;
          return [part];
        },
        turn: () => ({ said, asks }),
        flush: () => held,
      };
    },
    ask: async () => {
      const parts = script[next++];
      if (!parts) throw new Error('refused');
      return streamOf(parts);
    },
    fail: fail ?? ((error) => [`error: ${(error as Error).message}`]),
  };
  return { conversation, first: streamOf(script[0] ?? []) };
}

async function collect(gen: AsyncGenerator<string, number>) {
  const out: string[] = [];
  let step = await gen.next();
  for (; !step.done; step = await gen.next()) out.push(step.value);
  return { out, rounds: step.value };
}

describe('streamRetrieveRounds', () => {
  it('passes text as it comes, drops a retrieving turn’s held parts and continues with the answer', async () => {
    const { store, key } = await storeWith('x');
    const { conversation, first } = streaming([
      ['t:looking ', `c:${key}`, 'end'],
      ['t:found it', 'end'],
    ]);
    const { out, rounds: n } = await collect(streamRetrieveRounds(conversation, [], first, { store }));
    expect(out).toEqual(['t:looking ', 't:found it', 'end']);
    expect(n).toBe(1);
  });

  it('gives the held parts of a turn that calls no retrieve, and of the turn at the cap', async () => {
    const { store, key } = await storeWith('x');
    const again = [`c:${key}`, 'end'];
    const { conversation, first } = streaming([again, again, again, again, again]);
    const { out, rounds: n } = await collect(streamRetrieveRounds(conversation, [], first, { store }));
    expect(n).toBe(MAX_RETRIEVE_ROUNDS);
    expect(out).toEqual(again);
  });

  it('ends the caller’s stream in its own terms when a round cannot be asked', async () => {
    const { store, key } = await storeWith('x');
    const { conversation, first } = streaming([['t:a', `c:${key}`]]);
    const { out } = await collect(streamRetrieveRounds(conversation, [], first, { store }));
    expect(out).toEqual(['t:a', 'error: refused']);
  });

  it('ends the caller’s stream in its own terms when the model’s stream breaks off', async () => {
    const store = createMemoryStore();
    const broken = (async function* () {
      yield 't:half';
      throw new Error('socket hang up');
    })();
    const { conversation } = streaming([]);
    const { out } = await collect(streamRetrieveRounds(conversation, [], broken, { store }));
    expect(out).toEqual(['t:half', 'error: socket hang up']);
  });
});
