import type { Redis } from 'ioredis';

/** Where a Redis-backed engine store keeps its keys. */
export interface RedisTarget {
  redis: Redis;
  prefix: string;
  /** How long handled ids are kept; set by the deduplicator only. */
  handledTtlSeconds?: number;
}

// A WeakMap rather than a public field: the link is the engine's own
// business and should not widen the stores' public surface.
const targets = new WeakMap<object, RedisTarget>();

/**
 * Records that `store` keeps its keys in `target`, so the turn runner can
 * see that a session store, a lock and a deduplicator share one connection
 * and prefix and batch their commands (see `createTurnStore`).
 */
export function registerRedisTarget(store: object, target: RedisTarget): void {
  targets.set(store, target);
}

/** The Redis connection and prefix of `store`, if it is a Redis store. */
export function redisTargetOf(store: object): RedisTarget | undefined {
  return targets.get(store);
}
