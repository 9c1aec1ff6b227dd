import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

export const BIN = fileURLToPath(new URL('../dist/headroom.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs the built `headroom` exactly as a user would: a separate process, real stdin/stdout. */
export function runCli(
  args: string[],
  options: { input?: string | Buffer; cwd?: string; env?: Record<string, string> } = {},
): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    cwd: options.cwd ?? emptyDir(),
    env: { PATH: process.env.PATH ?? '', HEADROOM_HOME: emptyDir(), ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** `runCli` without blocking this process: for a run that talks to a server the test itself serves. */
export function runCliAsync(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? emptyDir(),
    env: { PATH: process.env.PATH ?? '', HEADROOM_HOME: emptyDir(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr })));
}

/** A fresh empty directory (no config file in it). */
export function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), 'headroom-cli-'));
}

/** Starts a long-running `headroom` command and resolves with the URL it prints. */
export function startServing(args: string[], env: Record<string, string>, pattern: RegExp) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let stderr = '';
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c) => {
      out += c;
      const m = pattern.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('close', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  const stop = async () => {
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    return { code: await exit, stderr };
  };
  return { url, stop };
}

/** A provider stand-in on loopback: keeps every body it receives and answers `reply` as JSON. */
export async function recordingUpstream(reply = '{"id":"x","choices":[]}') {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** `headroom mcp serve` launched the way a client launches it, driven by the SDK's own client. */
export async function stdioClient(
  home: string,
  agent: string,
  cwd = emptyDir(),
  env: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: agent, version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', 'serve'],
      env: { PATH: process.env.PATH ?? '', HEADROOM_HOME: home, ...env },
      cwd,
      stderr: 'pipe',
    }),
  );
  return client;
}
