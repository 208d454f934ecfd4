import { UnrecoverableError } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessQueue, type InProcessJob } from './in-process-queue.ts';

const queues: Array<InProcessQueue<unknown>> = [];

function newQueue<T>(
  options: ConstructorParameters<typeof InProcessQueue<T>>[1] = {},
): InProcessQueue<T> {
  const queue = new InProcessQueue<T>('test', options);
  queues.push(queue as InProcessQueue<unknown>);
  return queue;
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
});

describe('InProcessQueue', () => {
  describe('when a job fails and attempts remain', () => {
    it('retries it after a delay that doubles with each attempt', async () => {
      const queue = newQueue<string>({ attempts: 3, backoffDelayMs: 40 });
      const startedAt: number[] = [];
      queue.process(() => {
        startedAt.push(Date.now());
        return startedAt.length < 3
          ? Promise.reject(new Error('not yet'))
          : Promise.resolve();
      });
      await queue.add('job', 'a');
      await until(
        async () => (await queue.getJobCounts('completed')).completed === 1,
      );
      const [first = 0, second = 0, third = 0] = startedAt;
      expect(startedAt).toHaveLength(3);
      expect(second - first).toBeGreaterThanOrEqual(38);
      expect(third - second).toBeGreaterThanOrEqual(78);
    });

    it('reports each failed attempt to the failed hook', async () => {
      const queue = newQueue<string>({ attempts: 2, backoffDelayMs: 5 });
      const failures: Array<[number, string]> = [];
      queue.process(() => Promise.reject(new Error('broken')), {
        onFailed: (job, error) =>
          failures.push([job.attemptsMade, (error as Error).message]),
      });
      await queue.add('job', 'a');
      await until(
        async () => (await queue.getJobCounts('failed')).failed === 1,
      );
      expect(failures).toEqual([
        [1, 'broken'],
        [2, 'broken'],
      ]);
    });
  });

  describe('when a job throws UnrecoverableError', () => {
    it('fails it at once without another attempt', async () => {
      const queue = newQueue<string>({ attempts: 5, backoffDelayMs: 5 });
      let runs = 0;
      queue.process(() => {
        runs += 1;
        return Promise.reject(new UnrecoverableError('never'));
      });
      await queue.add('job', 'a');
      await until(
        async () => (await queue.getJobCounts('failed')).failed === 1,
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(runs).toBe(1);
    });
  });

  describe('when a job id is added again', () => {
    it('ignores it while the first job waits, runs or is remembered', async () => {
      let now = 1_000_000;
      const queue = newQueue<string>({
        keepFinishedMs: 60_000,
        clock: () => now,
      });
      const seen: string[] = [];
      await queue.add('job', 'first', { jobId: 'same' });
      await queue.addBulk([
        { name: 'job', data: 'second', opts: { jobId: 'same' } },
        { name: 'job', data: 'other', opts: { jobId: 'other' } },
      ]);
      queue.process((job) => {
        seen.push(job.data);
        return Promise.resolve();
      });
      await until(() => seen.length === 2);
      await queue.add('job', 'third', { jobId: 'same' });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual(['first', 'other']);

      now += 60_001;
      await queue.add('job', 'fourth', { jobId: 'same' });
      await until(() => seen.length === 3);
      expect(seen).toEqual(['first', 'other', 'fourth']);
    });
  });

  describe('when a worker has a concurrency', () => {
    it('never runs more jobs at once than that', async () => {
      const queue = newQueue<number>();
      let running = 0;
      let most = 0;
      queue.process(
        async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 10));
          running -= 1;
        },
        { concurrency: 3 },
      );
      await queue.addBulk(
        Array.from({ length: 10 }, (_, i) => ({ name: 'job', data: i })),
      );
      await until(
        async () => (await queue.getJobCounts('completed')).completed === 10,
      );
      expect(most).toBe(3);
    });
  });

  describe('when it is closed', () => {
    it('waits for running jobs and refuses new ones', async () => {
      const queue = newQueue<string>();
      let isFinished = false;
      let started: (job: InProcessJob<string>) => void = () => undefined;
      const isStarted = new Promise<InProcessJob<string>>((resolve) => {
        started = resolve;
      });
      queue.process(async (job) => {
        started(job);
        await new Promise((resolve) => setTimeout(resolve, 50));
        isFinished = true;
      });
      await queue.add('job', 'slow');
      await isStarted;
      await queue.close();
      expect(isFinished).toBe(true);
      await expect(queue.add('job', 'late')).rejects.toMatchObject({
        code: 'whatsapp.queue_closed',
      });
    });
  });
});
