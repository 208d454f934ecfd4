import type { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.ts';

/** The channel's key/value state in Redis, shared by every process. */
export class RedisKeyValueStore implements KeyValueStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.#redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  get(key: string): Promise<string | null> {
    return this.#redis.get(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#redis.set(key, value, 'PX', ttlMs);
  }

  increment(key: string): Promise<number> {
    return this.#redis.incr(key);
  }
}
