/**
 * Holds a send back until its business number's messages-per-second
 * allowance has room (PROTOCOLS.md 1.7): ThroughputLimiter shares one
 * bucket per number through Redis, MemoryThroughputLimiter keeps it in
 * this process for the embedded default.
 */
export interface SendThrottle {
  /** Resolves once a send for `phoneNumberId` is allowed. */
  take(phoneNumberId: string, perSecond: number): Promise<void>;
}
