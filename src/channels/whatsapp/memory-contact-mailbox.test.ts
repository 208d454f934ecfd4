import { describe, expect, it } from 'vitest';
import { InProcessQueue } from './in-process-queue.ts';
import { MemoryContactMailbox } from './memory-contact-mailbox.ts';

function keysOf(contact: string) {
  return { items: `inbox:${contact}`, lock: `inbox-lock:${contact}` };
}

describe('MemoryContactMailbox', () => {
  describe('when jobs of one contact run at once on the in-process queue', () => {
    it('handles their items in score order, one at a time', async () => {
      const mailbox = new MemoryContactMailbox();
      const queue = new InProcessQueue<{ score: number; item: string }>('t');
      const handled: string[] = [];
      let running = 0;
      let most = 0;
      queue.process(
        async (job) => {
          const keys = keysOf('a');
          await mailbox.put(keys, job.data.score, job.data.item);
          // Lets every job park its item before any drain starts, as the
          // inbound processor's grace period does.
          await new Promise((resolve) => setTimeout(resolve, 10));
          await mailbox.drainUntilHandled(keys, job.data.item, async (item) => {
            running += 1;
            most = Math.max(most, running);
            await new Promise((resolve) => setTimeout(resolve, 2));
            handled.push(item);
            running -= 1;
          });
        },
        { concurrency: 10 },
      );
      // Added in reverse, as Meta may deliver webhooks.
      await queue.addBulk(
        [5, 4, 3, 2, 1].map((score) => ({
          name: 'msg',
          data: { score, item: `m${score}` },
        })),
      );
      const deadline = Date.now() + 5000;
      while (((await queue.getJobCounts('completed')).completed ?? 0) < 5) {
        if (Date.now() > deadline) throw new Error('jobs did not complete');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await queue.close();
      expect(handled).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(most).toBe(1);
    });
  });

  describe('when one contact is busy', () => {
    it('lets another contact proceed', async () => {
      const mailbox = new MemoryContactMailbox();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await mailbox.put(keysOf('a'), 1, 'a1');
      await mailbox.put(keysOf('b'), 1, 'b1');
      const slow = mailbox.drainUntilHandled(keysOf('a'), 'a1', () => gate);
      const handled: string[] = [];
      await mailbox.drainUntilHandled(keysOf('b'), 'b1', (item) => {
        handled.push(item);
        return Promise.resolve();
      });
      expect(handled).toEqual(['b1']);
      release();
      await slow;
    });
  });

  describe('when handling an item throws', () => {
    it('keeps the item first in line for the retry', async () => {
      const mailbox = new MemoryContactMailbox();
      const keys = keysOf('a');
      await mailbox.put(keys, 2, 'second');
      await mailbox.put(keys, 1, 'first');
      await expect(
        mailbox.drainUntilHandled(keys, 'first', () =>
          Promise.reject(new Error('turn failed')),
        ),
      ).rejects.toThrow('turn failed');
      const handled: string[] = [];
      await mailbox.drainUntilHandled(keys, 'second', (item) => {
        handled.push(item);
        return Promise.resolve();
      });
      expect(handled).toEqual(['first', 'second']);
    });

    it('keeps the score of an item put twice', async () => {
      const mailbox = new MemoryContactMailbox();
      const keys = keysOf('a');
      await mailbox.put(keys, 1, 'early');
      await mailbox.put(keys, 2, 'late');
      await mailbox.put(keys, 3, 'early');
      const handled: string[] = [];
      await mailbox.drainUntilHandled(keys, 'late', (item) => {
        handled.push(item);
        return Promise.resolve();
      });
      expect(handled).toEqual(['early', 'late']);
    });
  });
});
