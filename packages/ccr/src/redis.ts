// Node-only: the CCR store on Redis (ioredis), for several Headroom processes sharing one store.

export { createRedisCounters, type RedisCounters, type RedisCountersOptions } from './store/redis-counters.js';
export {
  createRedisFirstSight,
  type RedisFirstSight,
  type RedisFirstSightOptions,
} from './store/redis-first-sight.js';
export {
  connectRedis,
  createRedisStore,
  DEFAULT_REDIS_PREFIX,
  type RedisStoreOptions,
} from './store/redis-store.js';
