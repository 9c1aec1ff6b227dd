import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, runCli } from './run-cli.js';

describe('where storage lives', () => {
  const withConfig = (store: unknown) => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'headroom.config.json'), JSON.stringify({ store }));
    return cwd;
  };
  const location = (run: ReturnType<typeof runCli>) =>
    (JSON.parse(run.stdout.toString()) as { location: string }).location;

  it('defaults to the machine database, takes store.url from the config, HEADROOM_STORE over it, --store over both', () => {
    const home = emptyDir();
    expect(location(runCli(['ccr', 'stats', '--json'], { env: { HEADROOM_HOME: home } }))).toBe(join(home, 'ccr.db'));
    const cwd = withConfig({ url: 'memory:' });
    expect(location(runCli(['ccr', 'stats', '--json'], { cwd }))).toBe('memory');
    const file = join(emptyDir(), 'team.db');
    expect(location(runCli(['ccr', 'stats', '--json'], { cwd, env: { HEADROOM_STORE: `sqlite:${file}` } }))).toBe(file);
    expect(
      location(
        runCli(['ccr', 'stats', '--json', '--store', 'memory:'], { cwd, env: { HEADROOM_STORE: `sqlite:${file}` } }),
      ),
    ).toBe('memory');
  });

  it('refuses a URL it cannot open with one line and exit 2', () => {
    const bad = runCli(['ccr', 'stats', '--store', 'mongodb://db']);
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({
      code: 2,
      stderr:
        "headroom: --store takes sqlite:[path], memory: or redis://host:port (also rediss://, redis+unix:///path); got 'mongodb://db'\n",
    });
    const pg = runCli(['retrieve', '0'.repeat(24), '--store', 'postgres://db/headroom']);
    expect(pg.stderr).toBe(
      'headroom: --store takes sqlite:, memory: or a redis:// URL; PostgreSQL keeps memories, not originals\n',
    );
    const field = runCli(['ccr', 'stats'], { cwd: withConfig({ url: 6379 }) });
    expect(field.stderr).toMatch(/"store.url" must be a storage URL like "redis:\/\/host:6379"\n$/);
    const memoryDb = runCli(['memory', 'list', '--memory-db', 'mysql://db']);
    expect({ code: memoryDb.code, stderr: memoryDb.stderr }).toEqual({
      code: 2,
      stderr: "headroom: --memory-db takes sqlite:[path] or postgres://user@host:5432/db; got 'mysql://db'\n",
    });
  });
});
