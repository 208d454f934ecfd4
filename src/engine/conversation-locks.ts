import { setTimeout as sleep } from 'node:timers/promises';
import type { ConversationKey } from './keys.ts';

/** A lock this process holds on one conversation. */
export interface HeldLock {
  /** Random value that proves ownership; only its holder can release. */
  readonly token: string;
  /**
   * Releases the lock if this holder still owns it. Resolves false when it
   * had already expired (and perhaps been taken by someone else).
   */
  release(): Promise<boolean>;
}

export interface AcquireLockOptions {
  /** The lock frees itself after this long, should its holder die. */
  ttlMs: number;
  /** How long to wait for a busy lock before giving up. */
  waitMs: number;
}

/**
 * Mutual exclusion per conversation, so that turns of one conversation never
 * interleave, even across processes. Locks expire (a crashed holder cannot
 * block a conversation forever) and are released only by their holder.
 * Waiting is by short polls, which does not promise first-come-first-served
 * between processes; order is the callers' part (see the turn runner).
 */
export interface ConversationLocks {
  /** Takes the lock, or resolves undefined when it stayed busy `waitMs`. */
  acquire(
    conversation: ConversationKey,
    options: AcquireLockOptions,
  ): Promise<HeldLock | undefined>;
}

/**
 * Calls `attempt` until it gives a value or `waitMs` has passed, sleeping a
 * little longer after each miss (5 ms up to 50 ms, with jitter so that two
 * waiters do not retry in step).
 */
export async function retryUntil<T>(
  attempt: () => Promise<T | undefined>,
  waitMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + waitMs;
  let delay = 5;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    const jittered = delay / 2 + Math.random() * delay;
    await sleep(Math.min(remaining, jittered));
    delay = Math.min(delay * 2, 50);
  }
}
