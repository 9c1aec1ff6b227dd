// Node-only: the proxy's figures on disk, so a restart continues them.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProxyStats } from './stats.js';

/**
 * Reads saved figures. A missing file is a fresh start; an unreadable one is moved aside (never
 * overwritten, so nothing is lost) and reported through `warn`.
 */
export function loadStats(path: string, warn: (message: string) => void): ProxyStats | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`cannot read ${path}: ${(error as Error).message}`);
    return undefined;
  }
  try {
    const stats = JSON.parse(text) as ProxyStats;
    if (typeof stats !== 'object' || stats === null || typeof stats.requests !== 'number')
      throw new Error('not a stats object');
    return stats;
  } catch (error) {
    const aside = `${path}.unreadable-${Date.now()}`;
    try {
      renameSync(path, aside);
    } catch {
      // Left where it is; it will be replaced by the next save.
    }
    warn(`${path} could not be read (${(error as Error).message}); kept as ${aside}, starting from zero`);
    return undefined;
  }
}

/**
 * Writes figures atomically (a temporary file renamed over the old one), so a process killed
 * mid-write leaves the previous figures, never half a file.
 */
export function saveStats(path: string, statsJson: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, statsJson, { mode: 0o600 });
  renameSync(temporary, path);
}
