import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFirstSightConformance } from '../testing/first-sight-conformance.js';
import { type RunningRedis, redisServerAvailable, startRedisServer } from '../testing/redis-server.js';
import { entryFor, runStoreConformance } from '../testing/store-conformance.js';
import { createRedisCounters } from './redis-counters.js';
import { createRedisFirstSight } from './redis-first-sight.js';
import { connectRedis, createRedisStore } from './redis-store.js';

// A real redis-server on a private socket; skipped (visibly) where none is installed, unless
// HEADROOM_REQUIRE_SERVERS=1 (CI) makes that a failure.
const available = redisServerAvailable();
let redis: RunningRedis | undefined;
beforeAll(async () => {
  if (available) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

// Each store gets its own prefix on the one server: as isolated as separate servers.
const url = () => (redis as RunningRedis).url;
const fresh = () => `test:{${randomUUID()}}:`;

describe.skipIf(!available)('redis store', () => {
  runStoreConformance('redis', (options) => createRedisStore({ ...options, url: url(), prefix: fresh() }));
  runFirstSightConformance('redis', async () => {
    const prefix = fresh();
    const a = createRedisFirstSight({ url: url(), prefix });
    const b = createRedisFirstSight({ url: url(), prefix });
    return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
  });

  it('is shared: what one client stored, another finds, with one hit counted once', async () => {
    const prefix = fresh();
    const a = createRedisStore({ url: url(), prefix });
    const b = createRedisStore({ url: url(), prefix });
    const entry = entryFor('stored by replica a\n'.repeat(50));
    await a.put(entry);
    expect((await b.get(entry.key))?.original).toBe(entry.original);
    expect(await a.stats()).toMatchObject({ entries: 1, hits: 1 });
    await Promise.all([a.close(), b.close()]);
  });

  it('gives each entry a Redis TTL of the retention period', async () => {
    const prefix = fresh();
    const store = createRedisStore({ url: url(), prefix, retentionMs: 60_000 });
    const entry = entryFor('expires on the server too');
    await store.put(entry);
    const client = connectRedis(url());
    const ttl = await client.pttl(`${prefix}e:${entry.key}`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await client.quit();
    await store.close();
  });

  it('fails with a store error, not a hang, when Redis is not there, and warns once', async () => {
    const warnings: string[] = [];
    const store = createRedisStore({
      url: 'redis+unix:///nonexistent/headroom/redis.sock',
      prefix: fresh(),
      onWarning: (m) => warnings.push(m),
    });
    await expect(store.get(entryFor('x').key)).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(store.put(entryFor('y'))).rejects.toMatchObject({ code: 'store_unavailable' });
    await store.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Redis at redis\+unix:\/\/\/nonexistent\/headroom\/redis.sock is unavailable .*; retrying$/,
    );
  });

  it('answers again after Redis is killed and restarted, with one warning for the outage', async () => {
    const own = await startRedisServer();
    const warnings: string[] = [];
    const store = createRedisStore({ url: own.url, prefix: fresh(), onWarning: (m) => warnings.push(m) });
    const before = entryFor('before the outage');
    await store.put(before);
    await own.stop({ hard: true, keepDir: true });
    await expect(store.get(before.key)).rejects.toMatchObject({ code: 'store_unavailable' });
    await expect(store.get(before.key)).rejects.toMatchObject({ code: 'store_unavailable' });
    const again = await own.restart();
    const after = entryFor('after the outage');
    await expect
      .poll(
        () =>
          store.put(after).then(
            () => 'stored',
            () => 'down',
          ),
        { timeout: 5000 },
      )
      .toBe('stored');
    expect((await store.get(after.key))?.original).toBe('after the outage');
    expect(warnings).toHaveLength(1);
    await store.close();
    await again.stop();
  });
});

describe.skipIf(!available)('redis counters', () => {
  it('adds the increments of several replicas into fleet totals, and keeps each replica’s share', async () => {
    const prefix = fresh();
    const a = createRedisCounters({ url: url(), prefix, replica: 'proxy-a' });
    const b = createRedisCounters({ url: url(), prefix, replica: 'proxy-b' });
    const row = (name: string, value: number) => ({ day: '2026-12-06', agent: 'claude-cli', model: 'm', name, value });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).add([row('requests', 1), row('tokensBefore', 1000 + i)])),
    );
    await a.add([row('ms', 1.5)]);
    const total = (rows: readonly { name: string; value: number }[], name: string) =>
      rows.filter((r) => r.name === name).reduce((n, r) => n + r.value, 0);
    const fleet = await b.read();
    expect(total(fleet, 'requests')).toBe(20);
    expect(total(fleet, 'tokensBefore')).toBe(20 * 1000 + 190);
    expect(total(fleet, 'ms')).toBe(1.5);
    const replicas = await a.readReplicas();
    expect([...replicas.keys()]).toEqual(['proxy-a', 'proxy-b']);
    expect(total(replicas.get('proxy-a') ?? [], 'requests')).toBe(10);
    expect(total(replicas.get('proxy-b') ?? [], 'requests')).toBe(10);
    await Promise.all([a.close(), b.close()]);
  });
});
