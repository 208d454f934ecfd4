import type { KeyValueStore } from './key-value-store.ts';

interface Entry {
  value: string;
  /** Epoch milliseconds; Infinity for counters, which never expire. */
  until: number;
}

/**
 * The channel's key/value state in this process's memory, for the embedded
 * default (one process, nothing kept across a restart). Expired keys are
 * swept on every 1,000th write, so memory stays bounded by the traffic of
 * one time-to-live window.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: () => number;
  #writesSinceSweep = 0;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#live(key) !== null) return Promise.resolve(false);
    this.#write(key, value, this.#clock() + ttlMs);
    return Promise.resolve(true);
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.#live(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#write(key, value, this.#clock() + ttlMs);
    return Promise.resolve();
  }

  increment(key: string): Promise<number> {
    const next = Number(this.#live(key) ?? 0) + 1;
    this.#write(key, String(next), Infinity);
    return Promise.resolve(next);
  }

  #live(key: string): string | null {
    const entry = this.#entries.get(key);
    return entry && entry.until > this.#clock() ? entry.value : null;
  }

  #write(key: string, value: string, until: number): void {
    this.#entries.set(key, { value, until });
    this.#writesSinceSweep += 1;
    if (this.#writesSinceSweep < 1000) return;
    this.#writesSinceSweep = 0;
    const now = this.#clock();
    for (const [name, entry] of this.#entries) {
      if (entry.until <= now) this.#entries.delete(name);
    }
  }
}
