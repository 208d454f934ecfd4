import type { Redis } from 'ioredis';
import { RedisScript, WakalaError } from '../shared/index.ts';
import {
  retryUntil,
  type AcquireLockOptions,
  type HeldLock,
} from './conversation-locks.ts';
import { parseHandledTurn } from './inbound-deduplicator.ts';
import { EngineKeys, type ConversationKey } from './keys.ts';
import { newLockToken, redisHeldLock } from './redis-conversation-locks.ts';
import { checkTtl } from './session-store.ts';
import type { TurnCommit, TurnOpening, TurnStore } from './turn-store.ts';

// KEYS: handled, lock, session. ARGV: token, lock ttl in ms.
// The handled mark is checked first and without the lock: it is written in
// the same atomic step as the session and the lock release (FINISH), so a
// mark that exists belongs to a turn that is completely over. A missing
// session (false) ends the Lua table early, so `open` arrives alone.
const BEGIN = new RedisScript(`
local handled = redis.call('GET', KEYS[1])
if handled then return {'duplicate', handled} end
if not redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {'busy'}
end
return {'open', redis.call('GET', KEYS[3])}
`);

// KEYS: session, handled, lock. ARGV: token, 'set' or 'delete', session,
// session ttl in s, handled answer, handled ttl in s.
// Same effects, in the same order, as the three stores' own commands
// (session written, id marked unless already marked, lock freed only by
// its holder), but in one step, so no other client sees half of them.
const FINISH = new RedisScript(`
if ARGV[2] == 'delete' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
end
redis.call('SET', KEYS[2], ARGV[5], 'EX', ARGV[6], 'NX')
if redis.call('GET', KEYS[3]) == ARGV[1] then
  redis.call('DEL', KEYS[3])
  return 1
end
return 0
`);

export interface RedisTurnStoreOptions {
  redis: Redis;
  prefix: string;
  /** How long a handled id is remembered (the deduplicator's setting). */
  handledTtlSeconds: number;
}

/**
 * The turn's Redis work in two round trips: one Lua script takes the lock,
 * checks the message id and reads the session; another writes the session
 * and the handled mark and releases the lock. It uses the very keys and
 * values of RedisSessionStore, RedisConversationLocks and
 * RedisInboundDeduplicator, so those keep working beside it (a lock taken
 * through one excludes the other) and sessions stay readable by both. All
 * keys of a conversation share one hash tag, so the scripts also run on
 * Redis Cluster.
 */
export class RedisTurnStore implements TurnStore {
  private readonly redis: Redis;
  private readonly keys: EngineKeys;
  private readonly handledTtlSeconds: number;

  constructor(options: RedisTurnStoreOptions) {
    this.redis = options.redis;
    this.keys = new EngineKeys(options.prefix);
    this.handledTtlSeconds = options.handledTtlSeconds;
  }

  async begin(
    conversation: ConversationKey,
    messageId: string,
    options: AcquireLockOptions,
  ): Promise<TurnOpening> {
    const keys = [
      this.keys.handled(conversation, messageId),
      this.keys.lock(conversation),
      this.keys.session(conversation),
    ];
    const token = newLockToken();
    const opening = await retryUntil(
      async (): Promise<TurnOpening | undefined> => {
        const reply = await BEGIN.run(this.redis, keys, [token, options.ttlMs]);
        const found = readBegin(reply);
        if (found.kind === 'busy') return undefined;
        if (found.kind === 'duplicate') {
          return { kind: 'duplicate', handled: parseHandledTurn(found.raw) };
        }
        const lock = redisHeldLock(this.redis, keys[1]!, token);
        return { kind: 'open', lock, session: found.raw };
      },
      options.waitMs,
    );
    return opening ?? { kind: 'busy' };
  }

  async finish(
    conversation: ConversationKey,
    lock: HeldLock,
    commit: TurnCommit,
  ): Promise<boolean> {
    if (commit.session) checkTtl(commit.session.ttlSeconds);
    const keys = [
      this.keys.session(conversation),
      this.keys.handled(conversation, commit.messageId),
      this.keys.lock(conversation),
    ];
    const released = await FINISH.run(this.redis, keys, [
      lock.token,
      commit.session ? 'set' : 'delete',
      commit.session?.value ?? '',
      commit.session?.ttlSeconds ?? 0,
      JSON.stringify(commit.handled),
      this.handledTtlSeconds,
    ]);
    return released === 1;
  }
}

type BeginReply =
  | { kind: 'busy' }
  | { kind: 'duplicate'; raw: string }
  | { kind: 'open'; raw: string | undefined };

function readBegin(reply: unknown): BeginReply {
  if (Array.isArray(reply)) {
    const [kind, raw] = reply as unknown[];
    const text = typeof raw === 'string' ? raw : undefined;
    if (kind === 'busy') return { kind };
    if (kind === 'open') return { kind, raw: text };
    if (kind === 'duplicate' && text !== undefined) return { kind, raw: text };
  }
  throw new WakalaError(
    'engine.redis_reply_invalid',
    'Redis answered the turn-begin script in an unexpected shape; check that the server runs Redis 7 and that nothing else defines the script.',
  );
}
