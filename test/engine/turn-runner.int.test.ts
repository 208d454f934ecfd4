import {
  RedisConversationLocks,
  RedisInboundDeduplicator,
  RedisSessionStore,
} from '../../src/engine/index.ts';
import { createRedisFixture } from './redis-fixture.ts';
import { describeTurnRunner } from './turn-runner-scenarios.ts';
import { describeTurnRunnerFailures } from './turn-runner-failure-scenarios.ts';
import type { BackendFactory } from './turn-runner-harness.ts';

const redis: BackendFactory = () => {
  const fixture = createRedisFixture();
  const options = { redis: fixture.redis, prefix: fixture.prefix };
  return Promise.resolve({
    sessions: new RedisSessionStore(options),
    locks: new RedisConversationLocks(options),
    dedupe: new RedisInboundDeduplicator(options),
    close: fixture.close,
  });
};

// The locks on a connection of their own: the runner cannot batch across
// connections, so this runs the same scenarios over the stores called one
// by one (SeparateTurnStore) on Redis.
const separate: BackendFactory = () => {
  const fixture = createRedisFixture();
  const locksRedis = fixture.redis.duplicate();
  const options = { redis: fixture.redis, prefix: fixture.prefix };
  return Promise.resolve({
    sessions: new RedisSessionStore(options),
    locks: new RedisConversationLocks({ ...options, redis: locksRedis }),
    dedupe: new RedisInboundDeduplicator(options),
    close: async () => {
      await locksRedis.quit();
      await fixture.close();
    },
  });
};

describeTurnRunner('Redis stores', redis);
describeTurnRunnerFailures('Redis stores', redis);
describeTurnRunner('Redis stores, called one by one', separate);
describeTurnRunnerFailures('Redis stores, called one by one', separate);
