import type { Redis } from 'ioredis';
import type { SendThrottle } from './send-throttle.ts';
import type { WhatsappKeys } from './whatsapp-keys.ts';

// Token bucket in one script so several workers share it atomically. The
// clock is Redis's own TIME, so workers with skewed clocks agree.
const TAKE = `
local rate = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or rate
local at = tonumber(state[2]) or now
tokens = math.min(rate, tokens + (now - at) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1
else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return wait`;

/**
 * Limits sends per business number to its messages-per-second allowance
 * (80 by default, PROTOCOLS.md 1.7), shared by every worker through Redis,
 * so a burst waits here instead of earning 130429 errors from Meta.
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
    for (;;) {
      const wait = Number(await this.#redis.eval(TAKE, 1, key, perSecond));
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
