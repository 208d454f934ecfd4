import { InputError } from '../shared/index.ts';
import type { ConversationKey } from './keys.ts';

/**
 * Where a conversation's session lives between turns: three methods, so a
 * new backend is a small adapter (Redis for production, memory for the
 * embedded mode and tests). Values are opaque strings (the encoded session
 * envelope); the store neither parses nor validates them.
 */
export interface SessionStore {
  /** The stored value, or undefined when there is none or it expired. */
  get(conversation: ConversationKey): Promise<string | undefined>;
  /**
   * Stores `value`, replacing any earlier one; it expires `ttlSeconds`
   * after this write, so expiry counts from the last turn (inactivity).
   */
  set(
    conversation: ConversationKey,
    value: string,
    ttlSeconds: number,
  ): Promise<void>;
  /** Removes the value; deleting a missing value is not an error. */
  delete(conversation: ConversationKey): Promise<void>;
}

/** Refuses a time to live that Redis would refuse too. */
export function checkTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new InputError(
      'engine.session_ttl_invalid',
      'A session time to live must be a whole number of seconds above 0; check the tenant setting sessionTtlSeconds.',
    );
  }
}
