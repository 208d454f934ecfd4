import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisScript, WakalaError } from '../../shared/index.ts';
import type { MailboxKeys, OrderedMailbox } from './ordered-mailbox.ts';

// Each step of a drain is one script, so handling one message costs three
// round trips (put, claim, next) instead of ten separate commands.

// KEYS: items, lock. ARGV: member, token, lock ttl. {0}: the member was
// handled already; {1, head}: this caller holds the lock now and `head`
// comes first; {2}: another caller holds the lock.
const CLAIM = new RedisScript(`
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {0} end
if not redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3], 'NX') then
  return {2}
end
return {1, redis.call('ZRANGE', KEYS[1], 0, 0)[1]}`);

// KEYS: items, lock. ARGV: handled member, token, lock ttl. Removes the
// handled member, then {1, head}: the lock is renewed and `head` is next;
// {2}: the mailbox is empty and the lock released; {0}: the lock was lost.
const NEXT = new RedisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {0} end
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
if head then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return {1, head}
end
redis.call('DEL', KEYS[2])
return {2}`);

const RELEASE = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1]) else return 0 end`);

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
    for (;;) {
      const token = randomUUID();
      const [state, head] = (await CLAIM.run(
        this.#redis,
        [keys.items, keys.lock],
        [member, token, this.#lockTtlMs],
      )) as [number, string?];
      if (state === 0) return;
      if (state === 1 && head !== undefined) {
        if (await this.#drain(keys, token, head, handle)) return;
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

  /**
   * Handles members from `head` on while the lock is ours. True when the
   * mailbox is empty (so the caller's member is done), false when the lock
   * was lost and the caller must look again.
   */
  async #drain(
    keys: MailboxKeys,
    token: string,
    head: string,
    handle: (item: string) => Promise<void>,
  ): Promise<boolean> {
    let current = head;
    try {
      for (;;) {
        await handle(current);
        const [state, next] = (await NEXT.run(
          this.#redis,
          [keys.items, keys.lock],
          [current, token, this.#lockTtlMs],
        )) as [number, string?];
        if (state !== 1 || next === undefined) return state === 2;
        current = next;
      }
    } catch (error) {
      // The member stays first in line; free the lock for the retry now
      // rather than after its lifetime. If that fails too, it expires.
      await RELEASE.run(this.#redis, [keys.lock], [token]).catch(
        () => undefined,
      );
      throw error;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
