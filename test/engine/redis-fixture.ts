import { Redis } from 'ioredis';
import { TEST_REDIS_URL, uniqueSuffix } from '../support/services.ts';

export interface RedisFixture {
  redis: Redis;
  /** A random key prefix of this fixture; no two runs share it. */
  prefix: string;
  /** Every key under the prefix (to check what a test left behind). */
  keys: () => Promise<string[]>;
  /** Deletes the fixture's keys and closes the connection. */
  close: () => Promise<void>;
}

/** A Redis connection with a random key prefix for one test file. */
export function createRedisFixture(): RedisFixture {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `wakala-test-${uniqueSuffix()}`;
  const keys = async (): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix}:*`,
        'COUNT',
        500,
      );
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  };
  return {
    redis,
    prefix,
    keys,
    close: async () => {
      const left = await keys();
      if (left.length > 0) await redis.del(...left);
      await redis.quit();
    },
  };
}
