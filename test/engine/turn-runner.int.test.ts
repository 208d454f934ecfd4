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

describeTurnRunner('Redis stores', redis);
describeTurnRunnerFailures('Redis stores', redis);
