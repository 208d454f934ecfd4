import {
  MemoryConversationLocks,
  MemoryInboundDeduplicator,
  MemorySessionStore,
} from '../../src/engine/index.ts';
import {
  createTestClock,
  describeConversationLocksContract,
  describeInboundDeduplicatorContract,
  describeSessionStoreContract,
} from './store-contracts.ts';

describeSessionStoreContract('MemorySessionStore', () => {
  const clock = createTestClock();
  return Promise.resolve({
    subject: new MemorySessionStore({ clock: clock.now }),
    advance: clock.advance,
    close: () => Promise.resolve(),
  });
});

describeConversationLocksContract('MemoryConversationLocks', () => {
  const clock = createTestClock();
  return Promise.resolve({
    subject: new MemoryConversationLocks({ clock: clock.now }),
    advance: clock.advance,
    close: () => Promise.resolve(),
  });
});

describeInboundDeduplicatorContract(
  'MemoryInboundDeduplicator',
  ({ handledTtlSeconds }) => {
    const clock = createTestClock();
    return Promise.resolve({
      subject: new MemoryInboundDeduplicator({
        clock: clock.now,
        ttlSeconds: handledTtlSeconds,
      }),
      advance: clock.advance,
      close: () => Promise.resolve(),
    });
  },
);
