import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { WakalaError } from '../../shared/index.ts';
import type { MailboxKeys, OrderedMailbox } from './ordered-mailbox.ts';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export type { MailboxKeys } from './ordered-mailbox.ts';

export interface ContactMailboxOptions {
  /** Lock lifetime; renewed after each member, so a dead holder frees it. */
  lockTtlMs?: number;
  /** How long a caller waits for its own member before giving up. */
  waitMs?: number;
  pollMs?: number;
}

/**
 * A per-contact ordered mailbox in Redis: a sorted set of pending members
 * plus a lock, so one contact's items are handled one at a time, lowest
 * score first, by whichever worker holds the lock, while other contacts
 * proceed in parallel.
 *
 * Why it keeps order: queue jobs of one contact may run at once on several
 * workers and in any order (Meta may deliver webhooks in reverse). Each job
 * only adds its item to the set and then helps drain it; the lock holder
 * always takes the lowest score (Meta's timestamp inbound, a sequence number
 * outbound), so items are handled in score order whatever order the jobs
 * ran in. A job returns only once its own item has left the set (handled by
 * itself or by the holder); if the holder dies, its lock expires and the
 * waiting job takes over, so nothing is stranded.
 */
export class ContactMailbox implements OrderedMailbox {
  readonly #redis: Redis;
  readonly #lockTtlMs: number;
  readonly #waitMs: number;
  readonly #pollMs: number;

  constructor(redis: Redis, options: ContactMailboxOptions = {}) {
    this.#redis = redis;
    this.#lockTtlMs = options.lockTtlMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 60_000;
    this.#pollMs = options.pollMs ?? 25;
  }

  /** Adds `member` with `score`; an item already present keeps its score. */
  async put(keys: MailboxKeys, score: number, member: string): Promise<void> {
    await this.#redis.zadd(keys.items, 'NX', score, member);
  }

  /**
   * Drains the mailbox until `member` has been handled. `handle` is called
   * for each item in score order under the lock; an item leaves the set
   * only after `handle` resolved, so a throw leaves it first in line for
   * the retry.
   */
  async drainUntilHandled(
    keys: MailboxKeys,
    member: string,
    handle: (item: string) => Promise<void>,
  ): Promise<void> {
    const deadline = Date.now() + this.#waitMs;
    while ((await this.#redis.zscore(keys.items, member)) !== null) {
      const token = randomUUID();
      const acquired = await this.#redis.set(
        keys.lock,
        token,
        'PX',
        this.#lockTtlMs,
        'NX',
      );
      if (acquired === 'OK') {
        try {
          await this.#drain(keys, token, handle);
        } finally {
          await this.#redis.eval(RELEASE, 1, keys.lock, token);
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new WakalaError(
          'whatsapp.mailbox_busy',
          'A contact mailbox stayed locked past the wait limit; the job will be retried.',
          { isRetryable: true },
        );
      }
      await sleep(this.#pollMs);
    }
  }

  async #drain(
    keys: MailboxKeys,
    token: string,
    handle: (item: string) => Promise<void>,
  ): Promise<void> {
    for (;;) {
      const [head] = await this.#redis.zrange(keys.items, 0, 0);
      if (head === undefined) return;
      await handle(head);
      await this.#redis.zrem(keys.items, head);
      const stillOurs = await this.#redis.eval(
        EXTEND,
        1,
        keys.lock,
        token,
        this.#lockTtlMs,
      );
      if (stillOurs !== 1) return;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
