import { nextTurn } from '@headroom/core';

/** A request body as read: its bytes as sent, and (for a compressed body) the decoded bytes. */
export type ReadBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'too-large' }
  /** Reading it would have taken the proxy past the bytes it may hold for all requests at once. */
  | { readonly kind: 'busy' }
  | {
      readonly kind: 'read';
      /** The bytes exactly as the client sent them. */
      readonly raw: Uint8Array;
      /** The content to compress: `raw`, `raw` decoded when it came with a content-encoding, or undefined when it could not be decoded. */
      readonly decoded: Uint8Array | undefined;
      /** The body's content-encoding, when one was decoded. */
      readonly encoding?: string;
    };

/**
 * Decodes a request body sent with a content-encoding: the decoded bytes, or `undefined` for an
 * encoding it does not know; throws a RangeError past `limit` decoded bytes.
 */
export type BodyDecoder = (
  raw: Uint8Array,
  encoding: string,
  limit: number,
) => Uint8Array | undefined | Promise<Uint8Array | undefined>;

/**
 * Reads a request body as it streams in, chunked or not, and stops as soon as it passes `limit`
 * bytes, so a client can never make the proxy hold more than that; `reserve` is asked for every
 * chunk, so the bytes held for all requests together stay bounded too. A body with a content-encoding
 * is decoded by `decode` with the same limit on the decoded bytes (a compression bomb is refused
 * too); one that cannot be decoded comes back with `decoded` undefined and is forwarded as sent.
 */
export async function readRequestBody(
  request: Request,
  limit: number,
  decode?: BodyDecoder,
  reserve: (bytes: number) => boolean = () => true,
): Promise<ReadBody> {
  if (!request.body) return { kind: 'none' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { kind: 'too-large' };
    }
    if (!reserve(value.byteLength)) {
      await reader.cancel().catch(() => {});
      return { kind: 'busy' };
    }
    chunks.push(value);
  }
  const raw = await concatBytesInTurns(chunks, size);
  const encoding = (request.headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (!encoding || encoding === 'identity') return { kind: 'read', raw, decoded: raw };
  try {
    const decoded = await decode?.(raw, encoding, limit);
    return decoded === undefined ? { kind: 'read', raw, decoded: undefined } : { kind: 'read', raw, decoded, encoding };
  } catch (error) {
    if (error instanceof RangeError) return { kind: 'too-large' };
    return { kind: 'read', raw, decoded: undefined };
  }
}

/** Bytes copied per turn of the event loop. */
const COPY_SLICE = 1024 * 1024;

/** `concatBytes`, with a turn of the event loop after every few megabytes copied. */
async function concatBytesInTurns(chunks: readonly Uint8Array[], size: number): Promise<Uint8Array> {
  if (chunks.length === 1 || size <= COPY_SLICE) return concatBytes(chunks, size);
  const out = new Uint8Array(size);
  let at = 0;
  let copied = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
    copied += chunk.byteLength;
    if (copied >= COPY_SLICE) {
      copied = 0;
      await nextTurn();
    }
  }
  return out;
}

export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
