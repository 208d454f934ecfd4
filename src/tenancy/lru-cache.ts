/**
 * A small bounded cache that forgets the least recently used entry first.
 * Used for tenant database clients: a busy installation has more tenant
 * schemas than it wants live clients, and each client costs memory.
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #maxSize: number;
  readonly #onEvict: (key: K, value: V) => void;

  constructor(maxSize: number, onEvict: (key: K, value: V) => void = () => {}) {
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      throw new RangeError('LruCache maxSize must be a positive integer');
    }
    this.#maxSize = maxSize;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Returns the value and marks it as most recently used. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    // A Map keeps insertion order: re-inserting moves the key to the end.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores the value, evicting the oldest entry when the cache is full. */
  set(key: K, value: V): void {
    if (this.#entries.has(key)) this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#maxSize) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      const evicted = this.#entries.get(oldest.value) as V;
      this.#entries.delete(oldest.value);
      this.#onEvict(oldest.value, evicted);
    }
  }

  /** Removes the entry without calling the eviction callback. */
  delete(key: K): V | undefined {
    const value = this.#entries.get(key);
    this.#entries.delete(key);
    return value;
  }

  /** Every entry, oldest first. */
  entries(): Array<[K, V]> {
    return [...this.#entries.entries()];
  }

  clear(): void {
    this.#entries.clear();
  }
}
