import {
  RedisConversationLocks,
  RedisInboundDeduplicator,
  RedisSessionStore,
} from '../../src/engine/index.ts';
import { createRedisFixture } from './redis-fixture.ts';
import {
  describeConversationLocksContract,
  describeInboundDeduplicatorContract,
  describeSessionStoreContract,
  realTime,
} from './store-contracts.ts';

describeSessionStoreContract('RedisSessionStore', () => {
  const redis = createRedisFixture();
  return Promise.resolve({
    subject: new RedisSessionStore({
      redis: redis.redis,
      prefix: redis.prefix,
    }),
    advance: realTime,
    close: redis.close,
  });
});

describeConversationLocksContract('RedisConversationLocks', () => {
  const redis = createRedisFixture();
  return Promise.resolve({
    subject: new RedisConversationLocks({
      redis: redis.redis,
      prefix: redis.prefix,
    }),
    advance: realTime,
    close: redis.close,
  });
});

describeInboundDeduplicatorContract(
  'RedisInboundDeduplicator',
  ({ handledTtlSeconds }) => {
    const redis = createRedisFixture();
    return Promise.resolve({
      subject: new RedisInboundDeduplicator({
        redis: redis.redis,
        prefix: redis.prefix,
        ttlSeconds: handledTtlSeconds,
      }),
      advance: realTime,
      close: redis.close,
    });
  },
);
