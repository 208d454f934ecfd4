import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { EngineKeys, type ConversationKey } from './keys.ts';
import {
  retryUntil,
  type AcquireLockOptions,
  type ConversationLocks,
  type HeldLock,
} from './conversation-locks.ts';

// Compare-and-delete in one step: a holder whose lock expired and was taken
// by another process must not delete the new holder's lock.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export interface RedisConversationLocksOptions {
  redis: Redis;
  /** First segment of every key; tests use a random one. */
  prefix?: string;
}

/**
 * Conversation locks in Redis: `SET key token NX PX ttl` to take, a Lua
 * compare-and-delete to release. Works across any number of processes on
 * one Redis (single node or a Cluster slot); it is not a Redlock over
 * several independent Redis nodes.
 */
export class RedisConversationLocks implements ConversationLocks {
  private readonly redis: Redis;
  private readonly keys: EngineKeys;

  constructor(options: RedisConversationLocksOptions) {
    this.redis = options.redis;
    this.keys = new EngineKeys(options.prefix);
  }

  async acquire(
    conversation: ConversationKey,
    options: AcquireLockOptions,
  ): Promise<HeldLock | undefined> {
    const key = this.keys.lock(conversation);
    const token = randomBytes(16).toString('hex');
    return await retryUntil(async () => {
      const taken = await this.redis.set(key, token, 'PX', options.ttlMs, 'NX');
      return taken === 'OK' ? this.held(key, token) : undefined;
    }, options.waitMs);
  }

  private held(key: string, token: string): HeldLock {
    return {
      token,
      release: async () => {
        const deleted = await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
        return deleted === 1;
      },
    };
  }
}
