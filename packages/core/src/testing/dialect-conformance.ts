import { describe, expect, it } from 'vitest';
import type { StreamTurn, WireDialect } from '../dialects/dialect.js';
import { formatOfPath } from '../dialects/registry.js';
import { RETRIEVE_TOOL_NAME } from '../dialects/retrieve-tool.js';
import { eventJson, readSse, type SseEvent } from '../dialects/sse.js';
import { formatRetrievedHeader } from '../markers/retrieved.js';
import { verbosityInstruction } from '../output-shaping/instruction.js';
import { shapeOutput } from '../output-shaping/shape-output.js';
import { spliceJsonText } from '../request/json-splice.js';

/** A request of the dialect's format as a client sent it: its exact JSON text (captured, not written by hand). */
export interface DialectRequestCase {
  readonly name: string;
  readonly text: string;
}

export interface DialectConformanceOptions {
  readonly dialect: WireDialect;
  /** Request paths the format is sent to, as clients send them. */
  readonly paths: readonly string[];
  /** Real requests; the suite edits each as the proxy would and checks what comes out. */
  readonly requests: readonly DialectRequestCase[];
  /** A non-streaming reply in which the model called `headroom_retrieve` once, with `key`. */
  readonly retrieveReply: Record<string, unknown>;
  /** The same turn streamed (SSE text): some text, then the `headroom_retrieve` call. */
  readonly retrieveStream: string;
  /** A streamed turn of text only (SSE text), such as the one that follows a retrieve round. */
  readonly textStream: string;
  /** A sentence `textStream` carries, to find it in what the client receives. */
  readonly streamedText: string;
  /** The key `retrieveReply` asks for. */
  readonly key: string;
  /** The prompt size `textStream` reports (it follows a round, so its prompt holds the retrieved original). */
  readonly roundPrompt: number;
}

/** Whether `outer` holds every character of `inner`, in order: the client's own bytes, only added to. */
function keepsEveryByte(inner: string, outer: string): boolean {
  let at = 0;
  for (let i = 0; i < outer.length && at < inner.length; i++) if (outer[i] === inner[at]) at++;
  return at === inner.length;
}

async function eventsOf(sse: string): Promise<SseEvent[]> {
  const bytes = new TextEncoder().encode(sse);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const events: SseEvent[] = [];
  for await (const event of readSse(body)) events.push(event);
  return events;
}

function feed(turn: StreamTurn, events: readonly SseEvent[]): string[] {
  return events.flatMap((e) => turn.see(e));
}

/** Numbers a client reads as positions (block and item indices, sequence numbers) of the events it was sent. */
function numbering(sent: readonly string[]) {
  const data = sent.flatMap((raw) => {
    const json = eventJson({ raw, data: raw.match(/^data: (.*)$/m)?.[1] ?? '' });
    return json ? [json] : [];
  });
  return {
    sequence: data.flatMap((d) => (typeof d.sequence_number === 'number' ? [d.sequence_number] : [])),
    blockStarts: data.filter((d) => d.type === 'content_block_start').map((d) => d.index),
    itemsAdded: data.filter((d) => d.type === 'response.output_item.added').map((d) => d.output_index),
  };
}

/**
 * The contract every wire dialect runs: unchanged segments write back byte-identical, the retrieve
 * tool and the memories block go in byte-stably (the client's bytes kept, the same request always
 * the same bytes), a retrieve round rebuilds a request the dialect reads again with the earlier
 * conversation untouched, a stream turn holds the tool calls and flushes them exactly, a
 * continuation carries the client's numbering on, and errors come out in the format's shape.
 *
 * @example
 * import { runDialectConformance } from '@headroom/core/testing'
 * runDialectConformance({ dialect: DIALECTS.anthropic, requests, retrieveReply, retrieveStream, textStream, streamedText, key })
 */
export function runDialectConformance(options: DialectConformanceOptions): void {
  const { dialect } = options;

  describe(`the ${dialect.format} dialect`, () => {
    it('serves its own paths and names the retrieve tool', () => {
      expect(options.paths.length).toBeGreaterThan(0);
      for (const path of options.paths) {
        expect(formatOfPath(path)).toBe(dialect.format);
        expect(formatOfPath(`/gateway${path}`, 'suffix')).toBe(dialect.format);
      }
      expect(JSON.stringify(dialect.retrieveTool())).toContain(RETRIEVE_TOOL_NAME);
    });

    for (const c of options.requests) {
      describe(c.name, () => {
        const request = JSON.parse(c.text) as Record<string, unknown>;

        it('writes every segment back byte-identical when nothing changed', () => {
          const view = dialect.parse(request);
          expect(view.segments.length).toBeGreaterThan(0);
          const edits = view.segments.map((s) => ({ path: s.path, text: s.text }));
          expect(spliceJsonText(c.text, edits, { valid: true })).toBe(c.text);
        });

        it('changes only the segment it replaces', () => {
          const before = dialect.parse(request).segments;
          const target = [...before].sort((a, b) => b.text.length - a.text.length)[0];
          if (!target) return;
          const out = spliceJsonText(c.text, [{ path: target.path, text: 'replaced' }], { valid: true });
          expect(out).toBeDefined();
          const after = dialect.parse(JSON.parse(out as string)).segments;
          expect(after.map((s) => s.text)).toEqual(before.map((s) => (s.index === target.index ? 'replaced' : s.text)));
        });

        it('adds the retrieve tool once, in the client’s own bytes, the same way every time', () => {
          const out = dialect.addRetrieveTool(c.text, request);
          expect(dialect.addRetrieveTool(c.text, request)).toBe(out);
          expect(keepsEveryByte(c.text, out)).toBe(true);
          const parsed = JSON.parse(out) as Record<string, unknown>;
          if (out === c.text) return; // a turn whose tools were declared earlier (a continued response)
          // The tool's name once more than before (Gemini adds a declaration to the client's list, the others a tool).
          const named = (text: string) => text.split(JSON.stringify(RETRIEVE_TOOL_NAME)).length;
          expect(named(out)).toBe(named(c.text) + 1);
          // Still a request the dialect reads, as many segments as before (the tool's own may add to them).
          expect(dialect.parse(parsed).segments.length).toBeGreaterThanOrEqual(dialect.parse(request).segments.length);
        });

        it('adds memories to the system prompt in the client’s own bytes, or leaves the request alone', () => {
          const block = 'Relevant memories:\n- tests run with pnpm test';
          const out = dialect.addToSystemPrompt(c.text, request, block);
          if (out === undefined) return;
          expect(keepsEveryByte(c.text, out)).toBe(true);
          const system = dialect
            .parse(JSON.parse(out))
            .segments.filter((s) => s.role === 'system')
            .map((s) => s.text);
          expect(system.join('\n')).toContain(block);
        });

        it('appends the output-shaping instruction once, at the end of the system prompt, in the client’s own bytes', () => {
          const arm = { arm: 'shaped', level: 2, effortRouting: false } as const;
          const instruction = JSON.stringify(verbosityInstruction(2)).slice(1, -1);
          const shaped = shapeOutput(c.text, request, dialect.format, arm);
          if (!shaped.instructed) return;
          expect(keepsEveryByte(c.text, shaped.text)).toBe(true);
          const system = dialect
            .parse(JSON.parse(shaped.text))
            .segments.filter((s) => s.role === 'system')
            .map((s) => s.text);
          expect(system.join('\n')).toContain(verbosityInstruction(2));
          // The same request always becomes the same bytes, and a shaped one is not shaped again.
          expect(shapeOutput(c.text, request, dialect.format, arm).text).toBe(shaped.text);
          const again = shapeOutput(shaped.text, JSON.parse(shaped.text), dialect.format, arm);
          expect(again.instructed).toBe(false);
          expect(again.text.split(instruction).length).toBe(2);
        });

        it('tells a turn resumed after tool results from one after a failed tool, and leaves an unset effort alone', () => {
          const [call] = dialect.retrieveCalls(options.retrieveReply);
          const id = call?.id ?? 'r1';
          const ok = dialect.followUp(request, options.retrieveReply, [
            dialect.toolResult(id, { text: 'the original, whole', isError: false }),
          ]);
          const failed = dialect.followUp(request, options.retrieveReply, [
            dialect.toolResult(id, { text: 'error: no original is stored under that key', isError: true }),
          ]);
          expect(dialect.turnKind(ok)).toBe('resume');
          expect(dialect.turnKind(failed)).toBe('error');
          expect(['ask', 'resume', 'error']).toContain(dialect.turnKind(request));
          // Lowering never adds a setting: a request is either unchanged or differs only in effort values.
          const lowered = dialect.lowerEffort(c.text, request);
          if (lowered !== c.text) expect(lowered.length).toBeLessThanOrEqual(c.text.length);
          expect(dialect.lowerEffort(lowered, JSON.parse(lowered))).toBe(lowered);
        });

        it('rebuilds a readable request for a retrieve round, the conversation before it untouched', () => {
          const calls = dialect.retrieveCalls(options.retrieveReply);
          expect(calls).toHaveLength(1);
          const call = calls[0] as { id: string; args: unknown };
          const args = typeof call.args === 'string' ? JSON.parse(call.args) : call.args;
          expect(args).toMatchObject({ key: options.key });
          const retrieved = `${formatRetrievedHeader(options.key, 'the whole original')}\nthe original, whole`;
          const next = dialect.followUp(request, options.retrieveReply, [
            dialect.toolResult(call.id, { text: retrieved, isError: false }),
          ]);
          const before = dialect.parse(request).segments;
          const after = dialect.parse(next).segments;
          const kept = new Map(after.map((s) => [JSON.stringify(s.path), s.text]));
          for (const s of before) expect(kept.get(JSON.stringify(s.path))).toBe(s.text);
          const answer = after.find((s) => s.kind === 'tool-result' && s.text === retrieved);
          expect(answer?.flags.retrieved).toBe(true);
          expect(answer?.toolName).toBe(RETRIEVE_TOOL_NAME);
        });

        it('names the conversation by its opening: a later turn of it is the same session, the tool added or not', () => {
          const opening = JSON.stringify(dialect.sessionOpening(request));
          expect(opening).not.toBe(JSON.stringify(dialect.sessionOpening({})));
          const next = dialect.followUp(request, options.retrieveReply, [
            dialect.toolResult('r1', { text: 'the original', isError: false }),
          ]);
          expect(JSON.stringify(dialect.sessionOpening(next))).toBe(opening);
        });
      });
    }

    it('relays a text-only turn exactly as received', async () => {
      const events = await eventsOf(options.textStream);
      const turn = dialect.streamReply().nextTurn();
      expect(feed(turn, events).join('')).toBe(options.textStream);
      expect(turn.retrieves).toBe(false);
      expect(turn.flush()).toEqual([]);
    });

    it('holds a streamed retrieve call, reads it like the non-streaming reply, and can flush it exactly', async () => {
      const events = await eventsOf(options.retrieveStream);
      const turn = dialect.streamReply().nextTurn();
      const sent = feed(turn, events);
      expect(turn.retrieves).toBe(true);
      expect(sent.join('')).not.toContain(RETRIEVE_TOOL_NAME);
      const [call] = dialect.retrieveCalls(turn.reply());
      const [expected] = dialect.retrieveCalls(options.retrieveReply);
      const parse = (args: unknown) => (typeof args === 'string' ? JSON.parse(args) : args);
      expect(parse(call?.args)).toEqual(parse(expected?.args));
      expect([...sent, ...turn.flush()].join('')).toBe(options.retrieveStream);
    });

    it('continues a stream after a retrieve round with the client’s numbering carried on', async () => {
      const reply = dialect.streamReply();
      const first = feed(reply.nextTurn(), await eventsOf(options.retrieveStream));
      const second = reply.nextTurn();
      const continued = feed(second, await eventsOf(options.textStream));
      expect(second.retrieves).toBe(false);
      const all = [...first, ...continued];
      expect(all.join('')).toContain(options.streamedText);
      const { sequence, blockStarts, itemsAdded } = numbering(all);
      for (let i = 1; i < sequence.length; i++) expect(sequence[i]).toBeGreaterThan(sequence[i - 1] as number);
      expect(new Set(blockStarts).size).toBe(blockStarts.length);
      expect(new Set(itemsAdded).size).toBe(itemsAdded.length);
      // The client is shown its own context's size, never the round's prompt (see withFirstInput).
      const promptField = dialect.usage.fields.input[0] as string;
      const shown = all.join('').match(new RegExp(`"${promptField}":\\d+`, 'g')) ?? [];
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.join(' ')).not.toContain(`:${options.roundPrompt}`);
    });

    it('writes errors in the format’s shape', () => {
      const body = JSON.parse(JSON.stringify(dialect.errorBody(529, 'overloaded_error', 'try later')));
      expect(JSON.stringify(body)).toContain('try later');
      expect(JSON.stringify(body)).toContain('overloaded_error');
      const event = dialect.streamErrorEvent('the upstream broke off');
      expect(event.endsWith('\n\n')).toBe(true);
      expect(event).toContain('the upstream broke off');
    });
  });
}
