import { readSse } from '../sse.js';

/**
 * Whether a request asks for Gemini's other stream: `…:streamGenerateContent` without `alt=sse`
 * answers with one JSON array whose elements are written as they are generated.
 */
export function isJsonArrayStream(url: URL): boolean {
  return url.pathname.endsWith(':streamGenerateContent') && url.searchParams.get('alt') !== 'sse';
}

/** The same request as server-sent events: `alt=sse` added, every other part of the URL kept. */
export function asEventStreamUrl(url: string): string {
  const next = new URL(url);
  next.searchParams.set('alt', 'sse');
  return next.toString();
}

/**
 * A Gemini event stream written as the JSON-array stream: each event's chunk an element as it
 * arrives (`[` before the first, `,\r\n` between, `]` at the end), for a client that asked for the
 * array while its reply was followed as events (across retrieve rounds). An error event becomes an
 * element carrying the error, as Gemini writes one mid-array.
 */
export function jsonArrayFromEvents(events: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const source = readSse(events);
  let opened = false;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (closed) return;
      for (;;) {
        const next = await source.next();
        if (next.done) {
          controller.enqueue(encoder.encode(opened ? '\n]' : '[]'));
          controller.close();
          closed = true;
          return;
        }
        const data = next.value.data?.trim();
        if (!data || data === '[DONE]') continue;
        controller.enqueue(encoder.encode(`${opened ? ',\r\n' : '['}${data}`));
        opened = true;
        return;
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
