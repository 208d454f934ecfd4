import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { EngineKeys, type ConversationKey } from './keys.ts';
import {
  retryUntil,
  type AcquireLockOptions,
  type ConversationLocks,
  type HeldLock,
} from './conversation-locks.ts';
import { registerRedisTarget } from './redis-target.ts';
import { RedisScript } from '../shared/index.ts';

// Compare-and-delete in one step: a holder whose lock expired and was taken
// by another process must not delete the new holder's lock.
const RELEASE_LOCK = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

export interface RedisConversationLocksOptions {
  redis: Redis;
  /** First segment of every key; tests use a random one. */
  prefix?: string;
}

/**
 * Conversation locks in Redis: `SET key token NX PX ttl` to take, a Lua
 * compare-and-delete to release. Works across any number of processes on
 * one Redis (single node or a Cluster slot); it is not a Redlock over
 * several independent Redis nodes. The turn runner takes the same key in
 * its batched begin script (RedisTurnStore), so both kinds of holder
 * exclude each other.
 */
export class RedisConversationLocks implements ConversationLocks {
  private readonly redis: Redis;
  private readonly keys: EngineKeys;

  constructor(options: RedisConversationLocksOptions) {
    this.redis = options.redis;
    this.keys = new EngineKeys(options.prefix);
    registerRedisTarget(this, { redis: this.redis, prefix: this.keys.prefix });
  }

  async acquire(
    conversation: ConversationKey,
    options: AcquireLockOptions,
  ): Promise<HeldLock | undefined> {
    const key = this.keys.lock(conversation);
    const token = newLockToken();
    return await retryUntil(async () => {
      const taken = await this.redis.set(key, token, 'PX', options.ttlMs, 'NX');
      return taken === 'OK' ? redisHeldLock(this.redis, key, token) : undefined;
    }, options.waitMs);
  }
}

/** A random lock token: 16 bytes as 32 hex digits. */
export function newLockToken(): string {
  return randomBytes(16).toString('hex');
}

/** The lock `key` held with `token`, released by compare-and-delete. */
export function redisHeldLock(
  redis: Redis,
  key: string,
  token: string,
): HeldLock {
  return {
    token,
    release: async () => (await RELEASE_LOCK.run(redis, [key], [token])) === 1,
  };
}
