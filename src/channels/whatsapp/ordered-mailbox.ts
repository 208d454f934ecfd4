export interface MailboxKeys {
  /** Sorted set of pending members, lowest score first. */
  items: string;
  /** Lock of the one worker allowed to drain the set. */
  lock: string;
}

/**
 * A per-contact ordered mailbox: members are handled one at a time, lowest
 * score first, while other contacts proceed in parallel. ContactMailbox
 * keeps it in Redis for many workers; MemoryContactMailbox keeps it in
 * this process for the embedded default.
 */
export interface OrderedMailbox {
  /** Adds `member` with `score`; a member already present keeps its score. */
  put(keys: MailboxKeys, score: number, member: string): Promise<void>;
  /**
   * Drains the mailbox until `member` has been handled. `handle` is called
   * for each member in score order, one at a time per mailbox; a member
   * leaves only after `handle` resolved, so a throw leaves it first in
   * line for the retry.
   */
  drainUntilHandled(
    keys: MailboxKeys,
    member: string,
    handle: (item: string) => Promise<void>,
  ): Promise<void>;
}
