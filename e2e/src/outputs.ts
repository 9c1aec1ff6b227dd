import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Three large real outputs of this machine, of different kinds, each well over 10k tokens before
 * an agent's own truncation: a file listing, a log and a JSON document.
 */
export const LARGE_OUTPUTS = {
  /** A long `ls -la` of the system's shared libraries (about 90 kB). */
  listingCommand: 'ls -la /usr/lib/x86_64-linux-gnu',
  /** Debian's package log (about 340 kB on these machines). */
  logPath: '/var/log/dpkg.log',
  /** TypeScript's German diagnostic messages: a flat JSON object of about 340 kB. */
  jsonPath: join(dirname(require.resolve('typescript/package.json')), 'lib', 'de', 'diagnosticMessages.generated.json'),
} as const;
