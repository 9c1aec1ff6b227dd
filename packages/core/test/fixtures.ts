import { readFileSync } from 'node:fs';

/** Loads a request fixture from `test/fixtures/` (realistic captures of each wire format). */
export function loadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}
