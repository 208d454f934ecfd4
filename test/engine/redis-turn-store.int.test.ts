import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MemorySessionStore,
  RedisConversationLocks,
  RedisInboundDeduplicator,
  RedisSessionStore,
  RedisTurnStore,
  SeparateTurnStore,
  createTurnStore,
  type TurnStoreParts,
} from '../../src/engine/index.ts';
import { EngineKeys } from '../../src/engine/keys.ts';
import { createRedisFixture, type RedisFixture } from './redis-fixture.ts';
import { realTime } from './store-contracts.ts';
import { describeTurnStoreContract } from './turn-store-contract.ts';

function redisParts(fixture: RedisFixture): TurnStoreParts {
  const options = { redis: fixture.redis, prefix: fixture.prefix };
  return {
    sessions: new RedisSessionStore(options),
    locks: new RedisConversationLocks(options),
    dedupe: new RedisInboundDeduplicator(options),
  };
}

describeTurnStoreContract('RedisTurnStore', () => {
  const fixture = createRedisFixture();
  const parts = redisParts(fixture);
  return Promise.resolve({
    store: createTurnStore(parts),
    parts,
    advance: realTime,
    close: fixture.close,
  });
});

describeTurnStoreContract('SeparateTurnStore over the Redis stores', () => {
  const fixture = createRedisFixture();
  const parts = redisParts(fixture);
  return Promise.resolve({
    store: new SeparateTurnStore(parts),
    parts,
    advance: realTime,
    close: fixture.close,
  });
});

describe('createTurnStore', () => {
  let fixture: RedisFixture;
  beforeAll(() => {
    fixture = createRedisFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('batches only the three Redis stores on one connection and prefix', () => {
    const parts = redisParts(fixture);
    expect(createTurnStore(parts)).toBeInstanceOf(RedisTurnStore);
    const mixed = { ...parts, sessions: new MemorySessionStore() };
    expect(createTurnStore(mixed)).toBeInstanceOf(SeparateTurnStore);
    const otherPrefix = new RedisSessionStore({
      redis: fixture.redis,
      prefix: `${fixture.prefix}-other`,
    });
    expect(createTurnStore({ ...parts, sessions: otherPrefix })).toBeInstanceOf(
      SeparateTurnStore,
    );
  });
});

describe('RedisTurnStore', () => {
  let fixture: RedisFixture;
  let monitor: Redis;
  const seen: string[][] = [];
  beforeAll(async () => {
    fixture = createRedisFixture();
    monitor = await fixture.redis.duplicate().monitor();
    // Other test files share this Redis: only commands that name one of
    // this fixture's keys count, and only those sent by a client (not the
    // ones a Lua script runs, which MONITOR shows with source "lua").
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === 'lua') return;
      if (args.some((arg) => arg.startsWith(`${fixture.prefix}:`))) {
        seen.push(args);
      }
    });
  });
  afterAll(async () => {
    monitor.disconnect();
    await fixture.close();
  });

  describe('when a turn runs from begin to finish', () => {
    it('talks to Redis twice: once to begin, once to finish', async () => {
      const store = createTurnStore(redisParts(fixture));
      const conversationOf = (contactId: string) => ({
        tenantId: 't1',
        channel: 'ussd' as const,
        contactId,
      });
      const warm = conversationOf('+27820000076');
      const counted = conversationOf('+27820000077');
      // The first run may load the scripts (EVALSHA, then EVAL); count the
      // second, on a conversation of its own, so late MONITOR lines of the
      // first cannot be counted with it.
      for (const conversation of [warm, counted]) {
        const opening = await store.begin(conversation, 'm1', {
          ttlMs: 5_000,
          waitMs: 0,
        });
        if (opening.kind !== 'open') throw new Error('turn did not open');
        await store.finish(conversation, opening.lock, {
          session: { value: '{"v":2}', ttlSeconds: 60 },
          messageId: 'm1',
          handled: { replies: [], language: 'en', isEnded: false },
        });
      }
      // MONITOR output trails the replies a little.
      await realTime(200);
      // Every key of a conversation carries its hash tag, the part of the
      // lock key after "lock:".
      const lockKey = new EngineKeys(fixture.prefix).lock(counted);
      const tag = lockKey.slice(lockKey.indexOf('{'));
      const countedCommands = seen.filter((args) =>
        args.some((arg) => arg.includes(tag)),
      );
      expect(countedCommands.map((args) => args[0]?.toLowerCase())).toEqual([
        'evalsha',
        'evalsha',
      ]);
    });
  });
});
