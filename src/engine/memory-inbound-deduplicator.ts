import { asPromise } from './as-promise.ts';
import { EngineKeys, type ConversationKey } from './keys.ts';
import {
  DEFAULT_HANDLED_TTL_SECONDS,
  parseHandledTurn,
  type HandledTurn,
  type InboundDeduplicator,
} from './inbound-deduplicator.ts';

export interface MemoryInboundDeduplicatorOptions {
  ttlSeconds?: number;
  /** Epoch milliseconds for expiry; tests pass their own clock. */
  clock?: () => number;
}

/**
 * Handled message ids in this process's memory, for the embedded mode.
 * Answers are kept as JSON text, as in Redis, so callers never share an
 * object with the store. Expired ids are swept on every 1,000th mark, so
 * memory stays bounded by the traffic of one time-to-live window.
 */
export class MemoryInboundDeduplicator implements InboundDeduplicator {
  private readonly entries = new Map<string, { raw: string; until: number }>();
  private readonly keys = new EngineKeys();
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private marksSinceSweep = 0;

  constructor(options: MemoryInboundDeduplicatorOptions = {}) {
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_HANDLED_TTL_SECONDS) * 1000;
    this.clock = options.clock ?? Date.now;
  }

  findHandled(
    conversation: ConversationKey,
    messageId: string,
  ): Promise<HandledTurn | undefined> {
    return asPromise(() => {
      const raw = this.live(this.keys.handled(conversation, messageId));
      return raw === undefined ? undefined : parseHandledTurn(raw);
    });
  }

  markHandled(
    conversation: ConversationKey,
    messageId: string,
    turn: HandledTurn,
  ): Promise<boolean> {
    return asPromise(() => {
      const key = this.keys.handled(conversation, messageId);
      if (this.live(key) !== undefined) return false;
      const raw = JSON.stringify(turn);
      this.entries.set(key, { raw, until: this.clock() + this.ttlMs });
      this.sweep();
      return true;
    });
  }

  private live(key: string): string | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > this.clock() ? entry.raw : undefined;
  }

  private sweep(): void {
    this.marksSinceSweep += 1;
    if (this.marksSinceSweep < 1000) return;
    this.marksSinceSweep = 0;
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (entry.until <= now) this.entries.delete(key);
    }
  }
}
