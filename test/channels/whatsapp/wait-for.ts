import type { Queue } from 'bullmq';
import type { InboundJobData } from '../../../src/channels/whatsapp/index.ts';

/** Waits until `check` holds, polling; fails with `what` after the timeout. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `queue` has completed a job for each of `bodies`. */
export async function waitForProcessed(
  queue: Queue<InboundJobData>,
  bodies: string[],
): Promise<void> {
  await waitFor(async () => {
    const done = await queue.getJobs(['completed']);
    const seen = new Set(done.map((job) => job.data.body));
    return bodies.every((body) => seen.has(body));
  }, `${bodies.length} processed webhook(s)`);
}
