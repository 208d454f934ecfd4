import {
  MemoryConversationLocks,
  MemoryInboundDeduplicator,
  MemorySessionStore,
} from '../../src/engine/index.ts';
import { describeTurnRunner } from './turn-runner-scenarios.ts';
import { describeTurnRunnerFailures } from './turn-runner-failure-scenarios.ts';
import type { BackendFactory } from './turn-runner-harness.ts';

const memory: BackendFactory = () =>
  Promise.resolve({
    sessions: new MemorySessionStore(),
    locks: new MemoryConversationLocks(),
    dedupe: new MemoryInboundDeduplicator(),
    close: () => Promise.resolve(),
  });

describeTurnRunner('memory stores', memory);
describeTurnRunnerFailures('memory stores', memory);
