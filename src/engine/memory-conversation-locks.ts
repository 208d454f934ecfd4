import { asPromise } from './as-promise.ts';
import { randomBytes } from 'node:crypto';
import { EngineKeys, type ConversationKey } from './keys.ts';
import {
  retryUntil,
  type AcquireLockOptions,
  type ConversationLocks,
  type HeldLock,
} from './conversation-locks.ts';

export interface MemoryConversationLocksOptions {
  /** Epoch milliseconds for expiry; tests pass their own clock. */
  clock?: () => number;
}

/**
 * Conversation locks in this process's memory, for the embedded mode where
 * one process serves everything. Same rules as the Redis locks: a random
 * token, expiry, release only by the holder.
 */
export class MemoryConversationLocks implements ConversationLocks {
  private readonly held = new Map<string, { token: string; until: number }>();
  private readonly keys = new EngineKeys();
  private readonly clock: () => number;

  constructor(options: MemoryConversationLocksOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  acquire(
    conversation: ConversationKey,
    options: AcquireLockOptions,
  ): Promise<HeldLock | undefined> {
    const token = randomBytes(16).toString('hex');
    return asPromise(() => this.keys.lock(conversation)).then((key) =>
      retryUntil(() => {
        const current = this.held.get(key);
        if (current && current.until > this.clock()) {
          return Promise.resolve(undefined);
        }
        this.held.set(key, { token, until: this.clock() + options.ttlMs });
        return Promise.resolve(this.handle(key, token));
      }, options.waitMs),
    );
  }

  private handle(key: string, token: string): HeldLock {
    return {
      token,
      release: () => {
        const current = this.held.get(key);
        const isMine = current?.token === token && current.until > this.clock();
        if (current?.token === token) this.held.delete(key);
        return Promise.resolve(isMine);
      },
    };
  }
}
