/** One server-sent event: its text exactly as received (separator included), its name and its data. */
export interface SseEvent {
  /** The event's bytes as text, up to and including the blank line that ends it. */
  readonly raw: string;
  readonly event?: string;
  /** The `data:` lines joined with `\n`; absent when the event has none. */
  readonly data?: string;
}

const EVENT_END = /\r?\n\r?\n/;

/**
 * Splits an SSE byte stream into events as they complete. Every byte comes out again in `raw`,
 * so relaying the events one after another relays the stream unchanged; a trailing fragment
 * without its blank line is still given, as a last event.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let pending = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      for (let match = EVENT_END.exec(pending); match; match = EVENT_END.exec(pending)) {
        const end = match.index + match[0].length;
        yield parseEvent(pending.slice(0, end));
        pending = pending.slice(end);
      }
      if (done) break;
    }
    if (pending) yield parseEvent(pending);
  } finally {
    reader.releaseLock();
  }
}

function parseEvent(raw: string): SseEvent {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return { raw, ...(event !== undefined ? { event } : {}), ...(data.length ? { data: data.join('\n') } : {}) };
}

/** The event's data as a JSON object, or undefined when it is not one (`[DONE]`, comments). */
export function eventJson(event: SseEvent): Record<string, unknown> | undefined {
  if (event.data === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(event.data);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
