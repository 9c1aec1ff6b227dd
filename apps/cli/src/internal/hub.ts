import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inputError } from './cli-error.js';

/** The files a Kompress model directory needs, in the order they are fetched. */
const REQUIRED = ['config.json', 'tokenizer.json'] as const;
const OPTIONAL = ['tokenizer_config.json'] as const;
const ONNX_CANDIDATES = ['onnx/model.onnx', 'model.onnx'] as const;

export interface PulledModel {
  readonly dir: string;
  readonly files: Record<string, { readonly sha256: string; readonly bytes: number }>;
}

/**
 * Downloads a model from a Hugging Face–compatible hub into `dir`, once, verified: each file's
 * size against Content-Length, large files' SHA-256 against the hub's published LFS hash
 * (`X-Linked-Etag` / `ETag`), JSON files by parsing them. Everything goes to a temporary directory
 * first and replaces `dir` only when all files are in and checked, so a failed or interrupted
 * pull never leaves a half model where Kompress would load it.
 */
export async function pullModel(hub: string, id: string, revision: string, dir: string): Promise<PulledModel> {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id)) throw inputError(`'${id}' is not a hub model id (owner/name)`);
  const base = hub.replace(/\/$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(hub)) throw inputError(`the hub address '${hub}' is not an http(s) URL`);
  const { response: listing, done } = await fetchOrFail(
    `${base}/api/models/${id}/revision/${encodeURIComponent(revision)}`,
    hub,
  );
  done();
  if (listing.status === 404) throw inputError(`the hub at ${hub} has no model '${id}' (revision ${revision})`);
  if (!listing.ok) throw inputError(`the hub at ${hub} answered ${listing.status} for '${id}'; nothing was changed`);
  const siblings = new Set(
    ((await listing.json()) as { siblings?: { rfilename: string }[] }).siblings?.map((s) => s.rfilename) ?? [],
  );
  const onnx = ONNX_CANDIDATES.find((f) => siblings.has(f));
  const missing = [...REQUIRED.filter((f) => !siblings.has(f)), ...(onnx ? [] : ['an ONNX export (onnx/model.onnx)'])];
  if (missing.length)
    throw inputError(`'${id}' cannot run as a Kompress model: it lacks ${missing.join(', ')}; nothing was changed`);
  const wanted = [...REQUIRED, ...OPTIONAL.filter((f) => siblings.has(f)), onnx as string];

  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const files: PulledModel['files'] = {};
  try {
    for (const file of wanted) {
      const url = `${base}/${id}/resolve/${encodeURIComponent(revision)}/${file}`;
      files[file] = await download(url, join(staging, file), file, hub);
      if (file.endsWith('.json')) {
        try {
          JSON.parse(readFileSync(join(staging, file), 'utf8'));
        } catch {
          throw inputError(`${file} of '${id}' is not valid JSON; nothing was changed`);
        }
      }
    }
    writeFileSync(
      join(staging, 'headroom-model.json'),
      `${JSON.stringify({ hub, id, revision, pulledAt: new Date().toISOString(), files }, null, 2)}\n`,
    );
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { dir, files };
}

/** How long the hub may stay silent — before answering, or between two chunks of a file. */
const SILENCE_MS = Number(process.env.HEADROOM_HUB_TIMEOUT_MS) || 30_000;

/** A fetch that gives up when the hub stays silent for `SILENCE_MS`; `alive()` restarts the clock. */
async function fetchOrFail(url: string, hub: string): Promise<{ response: Response; alive(): void; done(): void }> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), SILENCE_MS);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), SILENCE_MS);
  };
  try {
    const response = await fetch(url, { redirect: 'follow', signal: controller.signal });
    alive();
    return { response, alive, done: () => clearTimeout(timer) };
  } catch (error) {
    clearTimeout(timer);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = controller.signal.aborted
      ? `no answer within ${SILENCE_MS / 1000} s`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw inputError(`could not reach the hub at ${hub} (${why}); nothing was changed`, error);
  }
}

/** Streams one file to disk, hashing as it goes, and checks its size and published hash. */
async function download(
  url: string,
  path: string,
  name: string,
  hub: string,
): Promise<{ sha256: string; bytes: number }> {
  const { response, alive, done } = await fetchOrFail(url, hub);
  if (!response.ok || !response.body)
    throw inputError(`the hub answered ${response.status} for ${name}; nothing was changed`);
  mkdirSync(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  let bytes = 0;
  const counted = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  counted.on('data', (chunk: Buffer) => {
    alive();
    hash.update(chunk);
    bytes += chunk.length;
  });
  try {
    await pipeline(counted, createWriteStream(path));
  } catch (error) {
    throw inputError(`${name} stopped arriving (${(error as Error).message}); nothing was changed`, error);
  } finally {
    done();
  }
  const sha256 = hash.digest('hex');
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared !== bytes)
    throw inputError(`${name} arrived with ${bytes} of ${declared} bytes; nothing was changed`);
  // LFS files publish their SHA-256 as the (linked) ETag; small files' ETags are git hashes, not checked.
  const published = (response.headers.get('x-linked-etag') ?? response.headers.get('etag') ?? '').replace(
    /^W\/|"/g,
    '',
  );
  if (/^[0-9a-f]{64}$/.test(published) && published !== sha256)
    throw inputError(`${name} does not match its published SHA-256; nothing was changed`);
  return { sha256, bytes };
}
