/**
 * Runs tasks that share a key one after another, in the order they were
 * submitted, within this process. The turn runner queues each
 * conversation's turns here before taking the (cross-process) lock, so two
 * messages of one contact that reach one process at once are handled in
 * arrival order rather than in whichever order their lock polls win.
 */
export class KeyedSerialiser {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task with the same key has finished. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await previous;
      return await task();
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Number of keys with queued or running tasks (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
