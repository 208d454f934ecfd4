import type { Redis } from 'ioredis';
import { EngineKeys, type ConversationKey } from './keys.ts';
import { registerRedisTarget } from './redis-target.ts';
import { checkTtl, type SessionStore } from './session-store.ts';

export interface RedisSessionStoreOptions {
  redis: Redis;
  /** First segment of every key; tests use a random one. */
  prefix?: string;
}

/**
 * Sessions in Redis, one string key per conversation with an expiry that
 * each write renews, so sessions survive a restart and are shared by every
 * process. Keys come from EngineKeys (scoped by tenant, channel, contact).
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly keys: EngineKeys;

  constructor(options: RedisSessionStoreOptions) {
    this.redis = options.redis;
    this.keys = new EngineKeys(options.prefix);
    registerRedisTarget(this, { redis: this.redis, prefix: this.keys.prefix });
  }

  async get(conversation: ConversationKey): Promise<string | undefined> {
    const value = await this.redis.get(this.keys.session(conversation));
    return value ?? undefined;
  }

  async set(
    conversation: ConversationKey,
    value: string,
    ttlSeconds: number,
  ): Promise<void> {
    checkTtl(ttlSeconds);
    await this.redis.set(
      this.keys.session(conversation),
      value,
      'EX',
      ttlSeconds,
    );
  }

  async delete(conversation: ConversationKey): Promise<void> {
    await this.redis.del(this.keys.session(conversation));
  }
}
