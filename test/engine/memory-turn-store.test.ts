import {
  MemoryConversationLocks,
  MemoryInboundDeduplicator,
  MemorySessionStore,
  SeparateTurnStore,
  createTurnStore,
} from '../../src/engine/index.ts';
import { describe, expect, it } from 'vitest';
import { createTestClock } from './store-contracts.ts';
import { describeTurnStoreContract } from './turn-store-contract.ts';

function memoryParts(clock: () => number) {
  return {
    sessions: new MemorySessionStore({ clock }),
    locks: new MemoryConversationLocks({ clock }),
    dedupe: new MemoryInboundDeduplicator({ clock }),
  };
}

describeTurnStoreContract('SeparateTurnStore over the memory stores', () => {
  const clock = createTestClock();
  const parts = memoryParts(clock.now);
  return Promise.resolve({
    store: createTurnStore(parts),
    parts,
    advance: clock.advance,
    close: () => Promise.resolve(),
  });
});

describe('createTurnStore', () => {
  it('calls the memory stores one by one', () => {
    expect(createTurnStore(memoryParts(Date.now))).toBeInstanceOf(
      SeparateTurnStore,
    );
  });
});
