// Node-only: request bodies sent compressed.
import * as zlib from 'node:zlib';
import { nextTurn } from '@headroom/core';
import { Decompress as ZstdStream } from 'fzstd';
import { concatBytes } from './request-body.js';

type Decoder = (raw: Uint8Array, options: { maxOutputLength: number }) => Promise<Buffer>;
type Callback = (error: Error | null, result: Buffer) => void;
type CallbackDecoder = (raw: Uint8Array, options: { maxOutputLength: number }, callback: Callback) => void;

/** zlib's callback form, on its thread pool, as a promise. */
const pooled =
  (decode: CallbackDecoder): Decoder =>
  (raw, options) =>
    new Promise((resolve, reject) =>
      decode(raw, options, (error, result) => (error ? reject(error) : resolve(result))),
    );

const DECODERS: Record<string, Decoder> = {
  gzip: pooled(zlib.gunzip),
  'x-gzip': pooled(zlib.gunzip),
  deflate: pooled(zlib.inflate),
  br: pooled(zlib.brotliDecompress),
};
const nativeZstd = (zlib as { zstdDecompress?: CallbackDecoder }).zstdDecompress;
if (nativeZstd) DECODERS.zstd = pooled(nativeZstd);

/** Compressed bytes fed to fzstd per turn of the event loop. */
const ZSTD_SLICE = 256 * 1024;

/**
 * Node's decoders for request bodies: gzip, deflate and br from zlib; zstd from zlib where Node
 * has it (22.15 and later), else from fzstd, stopped as soon as its output passes the limit.
 * zlib decodes on its thread pool and fzstd a slice per turn, so the event loop keeps turning.
 * Past `limit` decoded bytes each rejects with a RangeError.
 */
export async function decodeBody(raw: Uint8Array, encoding: string, limit: number): Promise<Uint8Array | undefined> {
  const decoder = DECODERS[encoding];
  if (decoder) {
    try {
      return await decoder(raw, { maxOutputLength: limit });
    } catch (error) {
      // zlib says "Cannot create a Buffer larger than …" with this code when the limit is passed.
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new RangeError((error as Error).message);
      throw error;
    }
  }
  if (encoding !== 'zstd') return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = new ZstdStream((chunk) => {
    size += chunk.byteLength;
    if (size > limit) throw new RangeError('the decoded body is over the limit');
    chunks.push(chunk);
  });
  for (let at = 0; at < raw.byteLength; at += ZSTD_SLICE) {
    stream.push(raw.subarray(at, at + ZSTD_SLICE), at + ZSTD_SLICE >= raw.byteLength);
    await nextTurn();
  }
  if (raw.byteLength === 0) stream.push(raw, true);
  return concatBytes(chunks, size);
}
