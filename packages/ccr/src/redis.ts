// Node-only: the CCR store on Redis (ioredis), for several Headroom processes sharing one store.

export {
  connectRedis,
  createRedisStore,
  DEFAULT_REDIS_PREFIX,
  type RedisStoreOptions,
} from './store/redis-store.js';
