import type { MailboxKeys, OrderedMailbox } from './ordered-mailbox.ts';

/**
 * The per-contact ordered mailbox in this process's memory, for the
 * embedded default. Same contract as ContactMailbox (see OrderedMailbox):
 * the "lock" is the one drain running for a mailbox, and a job whose
 * member is still waiting awaits that drain instead of polling. There is
 * no lock lifetime to expire: a drain cannot die without its promise
 * settling, after which a waiting job takes over.
 */
export class MemoryContactMailbox implements OrderedMailbox {
  /** Pending members with their scores, by mailbox. */
  readonly #boxes = new Map<string, Map<string, number>>();
  /** The drain in progress, by lock key. */
  readonly #drains = new Map<string, Promise<void>>();

  put(keys: MailboxKeys, score: number, member: string): Promise<void> {
    const box = this.#boxes.get(keys.items) ?? new Map<string, number>();
    if (!box.has(member)) box.set(member, score);
    this.#boxes.set(keys.items, box);
    return Promise.resolve();
  }

  async drainUntilHandled(
    keys: MailboxKeys,
    member: string,
    handle: (item: string) => Promise<void>,
  ): Promise<void> {
    while (this.#boxes.get(keys.items)?.has(member)) {
      const running = this.#drains.get(keys.lock);
      if (running) {
        // The holder's failure is its own job's to report; this job only
        // needs the mailbox free again, then looks at its member anew.
        await running.catch(() => undefined);
        continue;
      }
      // Checked and claimed with no await in between: one drain per lock.
      const drain = this.#drain(keys.items, handle);
      this.#drains.set(keys.lock, drain);
      try {
        await drain;
      } finally {
        this.#drains.delete(keys.lock);
      }
    }
  }

  async #drain(
    itemsKey: string,
    handle: (item: string) => Promise<void>,
  ): Promise<void> {
    for (;;) {
      const box = this.#boxes.get(itemsKey);
      const head = box ? lowest(box) : undefined;
      if (box === undefined || head === undefined) {
        this.#boxes.delete(itemsKey);
        return;
      }
      await handle(head);
      box.delete(head);
    }
  }
}

/** The member Redis's ZRANGE 0 0 would give: lowest score, then bytes. */
function lowest(box: Map<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const entry of box) {
    if (
      best === undefined ||
      entry[1] < best[1] ||
      (entry[1] === best[1] && entry[0] < best[0])
    ) {
      best = entry;
    }
  }
  return best?.[0];
}
