import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputError, usageError } from './cli-error.js';
import type { CliIo } from './io.js';

/** Reads FILE, or stdin when FILE is `-` or absent and stdin is piped. */
export async function readInput(file: string | undefined, io: CliIo): Promise<Buffer> {
  if (file === undefined || file === '-') {
    if (file === undefined && io.stdin.isTTY) {
      throw usageError(
        "no input: give a FILE or pipe the output to compress into stdin. Run 'headroom compress --help'",
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(resolve(io.cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (code ?? 'unreadable');
    throw inputError(`cannot read ${file}: ${why}. Check the path, or pipe the content into stdin`, error);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The input as text, or `undefined` when it is not valid UTF-8 (binary data). */
export function decodeText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
