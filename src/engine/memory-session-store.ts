import { asPromise } from './as-promise.ts';
import { EngineKeys, type ConversationKey } from './keys.ts';
import { checkTtl, type SessionStore } from './session-store.ts';

export interface MemorySessionStoreOptions {
  /** Epoch milliseconds; tests pass their own clock to move time. */
  clock?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A session store in this process's memory, for the embedded mode and the
 * simulator. It honours expiry like Redis does. Sessions are lost when the
 * process ends and are not shared between processes; expired entries are
 * dropped when read or when a later write sweeps them.
 */
export class MemorySessionStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();
  private readonly keys = new EngineKeys();
  private readonly clock: () => number;
  private writesSinceSweep = 0;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
  }

  get(conversation: ConversationKey): Promise<string | undefined> {
    return asPromise(() => {
      const key = this.keys.session(conversation);
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt <= this.clock()) {
        this.entries.delete(key);
        return undefined;
      }
      return entry?.value;
    });
  }

  set(
    conversation: ConversationKey,
    value: string,
    ttlSeconds: number,
  ): Promise<void> {
    return asPromise(() => {
      checkTtl(ttlSeconds);
      const key = this.keys.session(conversation);
      this.entries.set(key, {
        value,
        expiresAt: this.clock() + ttlSeconds * 1000,
      });
      this.sweepNow();
    });
  }

  delete(conversation: ConversationKey): Promise<void> {
    return asPromise(() => {
      this.entries.delete(this.keys.session(conversation));
    });
  }

  // Without a sweep, conversations that never come back would keep their
  // entry forever; sweeping every 1,000 writes keeps the cost amortised.
  private sweepNow(): void {
    this.writesSinceSweep += 1;
    if (this.writesSinceSweep < 1000) return;
    this.writesSinceSweep = 0;
    const now = this.clock();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}
