import type { SendThrottle } from './send-throttle.ts';

interface Bucket {
  /** Below zero: slots already promised to waiting callers. */
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

/**
 * The token bucket of ThroughputLimiter kept in this process, for the
 * embedded default where one process does all the sending: one bucket per
 * business number, refilled at its messages-per-second allowance. As in
 * Redis, a caller takes its token at once and waits for its reserved slot.
 */
export class MemoryThroughputLimiter implements SendThrottle {
  readonly #buckets = new Map<string, Bucket>();
  readonly #clock: () => number;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  async take(phoneNumberId: string, perSecond: number): Promise<void> {
    const wait = this.#reserve(phoneNumberId, perSecond);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** Takes a token and returns how long to wait until it may be used. */
  #reserve(phoneNumberId: string, rate: number): number {
    const now = this.#clock();
    const bucket = this.#buckets.get(phoneNumberId) ?? {
      tokens: rate,
      at: now,
    };
    const tokens =
      Math.min(rate, bucket.tokens + ((now - bucket.at) * rate) / 1000) - 1;
    this.#buckets.set(phoneNumberId, { tokens, at: now });
    return tokens < 0 ? Math.ceil((-tokens * 1000) / rate) : 0;
  }
}
