import type {
  AcquireLockOptions,
  ConversationLocks,
  HeldLock,
} from './conversation-locks.ts';
import type {
  HandledTurn,
  InboundDeduplicator,
} from './inbound-deduplicator.ts';
import type { ConversationKey } from './keys.ts';
import type { SessionStore } from './session-store.ts';

/** How a turn could begin. */
export type TurnOpening =
  /** The conversation stayed locked by another turn for the whole wait. */
  | { kind: 'busy' }
  /**
   * The message id was handled before; nothing is to be done again. The
   * lock, if one was taken, is already released.
   */
  | { kind: 'duplicate'; handled: HandledTurn }
  /** The lock is held and the stored session (if any) was read under it. */
  | { kind: 'open'; lock: HeldLock; session: string | undefined };

/** What a succeeded turn leaves behind. */
export interface TurnCommit {
  /** The encoded session to keep, or null to delete it (the flow ended). */
  session: { value: string; ttlSeconds: number } | null;
  messageId: string;
  /** The answer kept with the message id for a repeat. */
  handled: HandledTurn;
}

/**
 * The Redis work of one turn in two steps: `begin` (lock, duplicate check,
 * session read) and `finish` (session write, handled mark, lock release).
 * The turn runner talks to this rather than to the three stores one by
 * one, so that a backend that can do each step in one round trip does.
 */
export interface TurnStore {
  begin(
    conversation: ConversationKey,
    messageId: string,
    options: AcquireLockOptions,
  ): Promise<TurnOpening>;
  /**
   * Writes the commit and releases `lock`. Resolves false when the lock had
   * already expired (the writes are made all the same, as before batching:
   * the runner abandons a turn well before its lock expires).
   */
  finish(
    conversation: ConversationKey,
    lock: HeldLock,
    commit: TurnCommit,
  ): Promise<boolean>;
}

/** The three stores a turn runner is given. */
export interface TurnStoreParts {
  sessions: SessionStore;
  locks: ConversationLocks;
  dedupe: InboundDeduplicator;
}
