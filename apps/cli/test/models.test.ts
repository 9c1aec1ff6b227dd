import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tinyModel } from '@headroom/kompress/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, emptyDir } from './run-cli.js';

const KEEP = ['rollout', 'paused', 'quota', 'region', 'failed'];
const DROP = ['the', 'was', 'because', 'of', 'a', 'and', 'it', 'then'];
const model = tinyModel(KEEP, DROP);
const files: Record<string, Buffer> = {
  'config.json': readFileSync(join(model.dir, 'config.json')),
  'tokenizer.json': readFileSync(join(model.dir, 'tokenizer.json')),
  'tokenizer_config.json': readFileSync(join(model.dir, 'tokenizer_config.json')),
  'onnx/model.onnx': readFileSync(join(model.dir, 'model.onnx')),
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A hub on loopback that serves one model like huggingface.co does; `lie` corrupts the ONNX file in transit. */
let hub: Server;
let hubUrl = '';
let lie = false;
beforeAll(async () => {
  hub = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/api/models/acme/kompress-tiny/revision/main') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ id: 'acme/kompress-tiny', siblings: Object.keys(files).map((rfilename) => ({ rfilename })) }),
      );
      return;
    }
    const file = /^\/acme\/kompress-tiny\/resolve\/main\/(.+)$/.exec(url)?.[1];
    const body = file ? files[file] : undefined;
    if (!file || !body) {
      res.writeHead(404).end();
      return;
    }
    const sent =
      lie && file.endsWith('.onnx') ? Buffer.concat([body.subarray(0, body.length - 1), Buffer.from([0])]) : body;
    res.writeHead(200, {
      'content-length': String(sent.length),
      ...(file.endsWith('.onnx') ? { 'x-linked-etag': `"${sha(body)}"` } : { etag: '"0123abcd"' }),
    });
    res.end(sent);
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => hub.close(() => r())));

/** Runs the CLI asynchronously: the fake hub answers from this process. */
function cli(args: string[], env: Record<string, string>, input = '') {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: emptyDir(),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('headroom models pull', () => {
  it('downloads a model once, checked, and Kompress runs on it', async () => {
    const home = emptyDir();
    const pulled = await cli(['models', 'pull', 'acme/kompress-tiny'], {
      HEADROOM_HOME: home,
      HEADROOM_HUB_URL: hubUrl,
    });
    expect(pulled.stderr).toBe('');
    expect(pulled.code).toBe(0);
    const dir = join(home, 'models', 'acme', 'kompress-tiny');
    expect(pulled.stdout).toBe(
      `pulled acme/kompress-tiny (4 files, ${pulled.stdout.match(/4 files, ([^,]+),/)?.[1]}, checked) into ${dir}\n  export HEADROOM_KOMPRESS_MODEL=${dir}\n`,
    );
    const manifest = JSON.parse(readFileSync(join(dir, 'headroom-model.json'), 'utf8'));
    expect(manifest.files['onnx/model.onnx'].sha256).toBe(sha(files['onnx/model.onnx'] as Buffer));

    const prose = Array.from(
      { length: 60 },
      (_, i) => `The rollout was paused because of a quota and it failed then, try ${i}.`,
    ).join(' ');
    const run = await cli(['compress', '--json'], { HEADROOM_HOME: home, HEADROOM_KOMPRESS_MODEL: dir }, prose);
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { transforms: { name: string }[] }).transforms[0]?.name).toBe('kompress');
  });

  it('refuses a file that does not match its published hash, leaving nothing behind', async () => {
    const home = emptyDir();
    lie = true;
    const pulled = await cli(['models', 'pull', 'acme/kompress-tiny'], {
      HEADROOM_HOME: home,
      HEADROOM_HUB_URL: hubUrl,
    });
    lie = false;
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toBe('headroom: onnx/model.onnx does not match its published SHA-256; nothing was changed\n');
    const acme = join(home, 'models', 'acme');
    expect(existsSync(join(acme, 'kompress-tiny'))).toBe(false);
    expect(existsSync(acme) ? readdirSync(acme) : []).toEqual([]);
  });

  it('says so in one line when the hub cannot be reached or has no such model', async () => {
    // A port nothing listens on: taken, then let go.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const offline = await cli(['models', 'pull', 'acme/kompress-tiny'], {
      HEADROOM_HOME: emptyDir(),
      HEADROOM_HUB_URL: `http://127.0.0.1:${port}`,
    });
    expect(offline.code).toBe(1);
    expect(offline.stderr).toBe(
      `headroom: could not reach the hub at http://127.0.0.1:${port} (ECONNREFUSED); nothing was changed\n`,
    );
    // A hub that accepts the connection and then says nothing.
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const hung = await cli(['models', 'pull', 'acme/kompress-tiny'], {
      HEADROOM_HOME: emptyDir(),
      HEADROOM_HUB_URL: silentUrl,
      HEADROOM_HUB_TIMEOUT_MS: '300',
    });
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
    expect(hung.code).toBe(1);
    expect(hung.stderr).toBe(
      `headroom: could not reach the hub at ${silentUrl} (no answer within 0.3 s); nothing was changed\n`,
    );
    const unknown = await cli(['models', 'pull', 'acme/nope'], { HEADROOM_HOME: emptyDir(), HEADROOM_HUB_URL: hubUrl });
    expect(unknown.stderr).toBe(`headroom: the hub at ${hubUrl} has no model 'acme/nope' (revision main)\n`);
  });
});
