import type { HeldLock } from './conversation-locks.ts';
import type { AcquireLockOptions } from './conversation-locks.ts';
import type { ConversationKey } from './keys.ts';
import type {
  TurnCommit,
  TurnOpening,
  TurnStore,
  TurnStoreParts,
} from './turn-store.ts';

/** A turn store made of the three stores, called one after the other. */
export class SeparateTurnStore implements TurnStore {
  constructor(private readonly parts: TurnStoreParts) {}

  async begin(
    conversation: ConversationKey,
    messageId: string,
    options: AcquireLockOptions,
  ): Promise<TurnOpening> {
    const lock = await this.parts.locks.acquire(conversation, options);
    if (!lock) return { kind: 'busy' };
    try {
      const [session, handled] = await Promise.all([
        this.parts.sessions.get(conversation),
        this.parts.dedupe.findHandled(conversation, messageId),
      ]);
      if (!handled) return { kind: 'open', lock, session };
      await lock.release();
      return { kind: 'duplicate', handled };
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  async finish(
    conversation: ConversationKey,
    lock: HeldLock,
    commit: TurnCommit,
  ): Promise<boolean> {
    if (commit.session) {
      const { value, ttlSeconds } = commit.session;
      await this.parts.sessions.set(conversation, value, ttlSeconds);
    } else {
      await this.parts.sessions.delete(conversation);
    }
    await this.parts.dedupe.markHandled(
      conversation,
      commit.messageId,
      commit.handled,
    );
    return lock.release();
  }
}
