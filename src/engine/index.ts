export type {
  Channel,
  Contact,
  FlowEvent,
  InboundMessage,
} from './inbound-event.ts';
export type { FlowDefinition, FlowStart } from './flow-definition.ts';
export {
  EngineKeys,
  DEFAULT_KEY_PREFIX,
  conversationOf,
  type ConversationKey,
} from './keys.ts';
export type { SessionStore } from './session-store.ts';
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
} from './memory-session-store.ts';
export {
  RedisSessionStore,
  type RedisSessionStoreOptions,
} from './redis-session-store.ts';
export type {
  AcquireLockOptions,
  ConversationLocks,
  HeldLock,
} from './conversation-locks.ts';
export {
  MemoryConversationLocks,
  type MemoryConversationLocksOptions,
} from './memory-conversation-locks.ts';
export {
  RedisConversationLocks,
  type RedisConversationLocksOptions,
} from './redis-conversation-locks.ts';
export {
  DEFAULT_HANDLED_TTL_SECONDS,
  type HandledTurn,
  type InboundDeduplicator,
} from './inbound-deduplicator.ts';
export {
  MemoryInboundDeduplicator,
  type MemoryInboundDeduplicatorOptions,
} from './memory-inbound-deduplicator.ts';
export {
  RedisInboundDeduplicator,
  type RedisInboundDeduplicatorOptions,
} from './redis-inbound-deduplicator.ts';
export type {
  TurnCommit,
  TurnOpening,
  TurnStore,
  TurnStoreParts,
} from './turn-store.ts';
export { createTurnStore } from './create-turn-store.ts';
export { SeparateTurnStore } from './separate-turn-store.ts';
export {
  RedisTurnStore,
  type RedisTurnStoreOptions,
} from './redis-turn-store.ts';
export {
  ENGINE_FORMAT_VERSION,
  decodeEnvelope,
  encodeEnvelope,
  type MenuEntry,
  type SessionEnvelope,
  type StaleReason,
} from './session-envelope.ts';
export { mapInboundEvent } from './map-inbound-event.ts';
export { whenSettled, type SettleOutcome } from './when-settled.ts';
export {
  APOLOGY_REPLY,
  type HandleOptions,
  type TurnResult,
  type TurnRunner,
} from './turn-result.ts';
export { createTurnRunner, type TurnRunnerOptions } from './turn-runner.ts';
