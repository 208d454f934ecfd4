import type { Redis } from 'ioredis';
import { RedisScript } from '../../shared/index.ts';
import type { SendThrottle } from './send-throttle.ts';
import type { WhatsappKeys } from './whatsapp-keys.ts';

// Token bucket in one script so several workers share it atomically. The
// clock is Redis's own TIME, so workers with skewed clocks agree. A caller
// always takes its token, letting the count go below zero: a negative count
// is a queue of reserved slots, and the answer is how long this caller
// waits for its own. So each send costs one call whatever the backlog;
// callers that retried after a short wait all woke together and asked
// again, about 25 calls per send at the limit with 50 workers waiting.
const TAKE = new RedisScript(`
local rate = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or rate
local at = tonumber(state[2]) or now
tokens = math.min(rate, tokens + (now - at) * rate / 1000) - 1
local wait = 0
if tokens < 0 then wait = math.ceil(-tokens * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], 60000 + wait)
return wait`);

/**
 * Limits sends per business number to its messages-per-second allowance
 * (80 by default, PROTOCOLS.md 1.7), shared by every worker through Redis,
 * so a burst waits here instead of earning 130429 errors from Meta.
 *
 * Known limit: a waiting send holds its worker slot while it sleeps. A
 * number with a low rate and a backlog larger than the outbound worker's
 * concurrency (50) therefore delays other numbers' sends on that worker
 * until its backlog shrinks. Moving such a job to BullMQ's delayed set
 * instead of sleeping would fix it; run more workers meanwhile.
 */
export class ThroughputLimiter implements SendThrottle {
  readonly #redis: Redis;
  readonly #keys: WhatsappKeys;

  constructor(redis: Redis, keys: WhatsappKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** Resolves once a send for `phoneNumberId` is allowed. */
  async take(phoneNumberId: string, perSecond: number): Promise<void> {
    const key = this.#keys.throughput(phoneNumberId);
    const wait = Number(await TAKE.run(this.#redis, [key], [perSecond]));
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
