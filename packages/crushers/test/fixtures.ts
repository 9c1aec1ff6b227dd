import { readFileSync } from 'node:fs';

/**
 * Real captured outputs: `find /usr/include -name '*.h'`, `ls -la /usr/bin`, `grep -rn` and
 * `git diff` over this repository, /var/log/dpkg.log from a Debian 12 image, and GitHub REST
 * responses recorded by octokit/fixtures (MIT).
 */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}
