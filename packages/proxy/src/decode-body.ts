// Node-only: request bodies sent compressed.
import * as zlib from 'node:zlib';
import { Decompress as ZstdStream } from 'fzstd';
import { concatBytes } from './request-body.js';

type NativeZstd = (raw: Uint8Array, options: { maxOutputLength: number }) => Buffer;

/**
 * Node's decoders for request bodies: gzip, deflate and br from zlib; zstd from zlib where Node
 * has it (22.15 and later), else from fzstd, stopped as soon as its output passes the limit.
 * Past `limit` decoded bytes each throws a RangeError.
 */
export function decodeBody(raw: Uint8Array, encoding: string, limit: number): Uint8Array | undefined {
  const options = { maxOutputLength: limit };
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(raw, options);
  if (encoding === 'deflate') return zlib.inflateSync(raw, options);
  if (encoding === 'br') return zlib.brotliDecompressSync(raw, options);
  if (encoding !== 'zstd') return undefined;
  const native = (zlib as { zstdDecompressSync?: NativeZstd }).zstdDecompressSync;
  if (native) return native(raw, options);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = new ZstdStream((chunk) => {
    size += chunk.byteLength;
    if (size > limit) throw new RangeError('the decoded body is over the limit');
    chunks.push(chunk);
  });
  stream.push(raw, true);
  return concatBytes(chunks, size);
}
