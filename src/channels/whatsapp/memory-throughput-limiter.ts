import type { SendThrottle } from './send-throttle.ts';

interface Bucket {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  at: number;
}

/**
 * The token bucket of ThroughputLimiter kept in this process, for the
 * embedded default where one process does all the sending: one bucket per
 * business number, refilled at its messages-per-second allowance.
 */
export class MemoryThroughputLimiter implements SendThrottle {
  readonly #buckets = new Map<string, Bucket>();
  readonly #clock: () => number;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  async take(phoneNumberId: string, perSecond: number): Promise<void> {
    for (;;) {
      const wait = this.#takeOrWait(phoneNumberId, perSecond);
      if (wait <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Takes a token and returns 0, or returns how long to wait for one. */
  #takeOrWait(phoneNumberId: string, rate: number): number {
    const now = this.#clock();
    const bucket = this.#buckets.get(phoneNumberId) ?? {
      tokens: rate,
      at: now,
    };
    const tokens = Math.min(
      rate,
      bucket.tokens + ((now - bucket.at) * rate) / 1000,
    );
    const hasToken = tokens >= 1;
    this.#buckets.set(phoneNumberId, {
      tokens: hasToken ? tokens - 1 : tokens,
      at: now,
    });
    return hasToken ? 0 : Math.ceil(((1 - tokens) * 1000) / rate);
  }
}
