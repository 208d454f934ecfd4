import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { WakalaError } from '../../shared/index.ts';
import type {
  JobAddOptions,
  JobQueue,
  JobState,
  QueueJob,
  QueueWorker,
} from './job-queue.ts';

export interface InProcessQueueOptions {
  /** Tries per job before it counts as failed (default 1). */
  attempts?: number;
  /** First retry delay; doubles with each attempt, as BullMQ's exponential. */
  backoffDelayMs?: number;
  /** How long a finished job's id is remembered, so it is not added again. */
  keepFinishedMs?: number;
  /** Most finished jobs remembered; the oldest are forgotten first. */
  keepFinishedCount?: number;
  clock?: () => number;
}

export interface InProcessWorkerOptions<T> {
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
  /** Called after each failed attempt, as BullMQ's `failed` event. */
  onFailed?: (job: InProcessJob<T>, error: unknown) => void;
}

/** A job as its processor and the failed hook see it. */
export interface InProcessJob<T> extends QueueJob<T> {
  id: string;
  name: string;
  /** Attempts that have failed so far. */
  attemptsMade: number;
}

interface StoredJob<T> extends InProcessJob<T> {
  state: JobState;
  finishedAt: number;
}

/**
 * A job queue inside this process, for the embedded default: BullMQ's
 * semantics that the WhatsApp channel relies on (a known job id is not
 * added twice, a worker runs jobs with bounded concurrency, a failed job
 * is retried with exponential backoff unless it threw UnrecoverableError)
 * without Redis.
 *
 * Known limit, by design: everything lives in memory, so jobs that are
 * waiting, delayed for a retry or running are lost when the process stops,
 * and only this process can work them. The embedded default is for trying
 * Wakala; production runs the same channel on BullMQ and Redis.
 */
export class InProcessQueue<T> implements JobQueue<T> {
  readonly name: string;
  readonly #jobs = new Map<string, StoredJob<T>>();
  /** Finished job ids in the order they finished, oldest first. */
  readonly #finished = new Set<string>();
  readonly #waiting: Array<StoredJob<T>> = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #workers = new Set<InProcessWorker<T>>();
  readonly #attempts: number;
  readonly #backoffDelayMs: number;
  readonly #keepFinishedMs: number;
  readonly #keepFinishedCount: number;
  readonly #clock: () => number;
  #isClosed = false;

  constructor(name: string, options: InProcessQueueOptions = {}) {
    this.name = name;
    this.#attempts = Math.max(1, options.attempts ?? 1);
    this.#backoffDelayMs = options.backoffDelayMs ?? 1000;
    this.#keepFinishedMs = options.keepFinishedMs ?? 3_600_000;
    this.#keepFinishedCount = options.keepFinishedCount ?? 10_000;
    this.#clock = options.clock ?? Date.now;
  }

  /** Adds a job; with a known `jobId` the existing job is returned instead. */
  add(
    name: string,
    data: T,
    options: JobAddOptions = {},
  ): Promise<InProcessJob<T>> {
    // A closed queue rejects rather than throws, as a Redis queue would.
    return new Promise((resolve) => resolve(this.#add(name, data, options)));
  }

  /** Adds several jobs in order, each as `add` would. */
  addBulk(
    jobs: Array<{ name: string; data: T; opts?: JobAddOptions }>,
  ): Promise<Array<InProcessJob<T>>> {
    return new Promise((resolve) =>
      resolve(jobs.map((j) => this.#add(j.name, j.data, j.opts))),
    );
  }

  getJobCounts(...states: JobState[]): Promise<Record<string, number>> {
    const wanted: JobState[] =
      states.length > 0
        ? states
        : ['waiting', 'active', 'delayed', 'completed', 'failed'];
    const counts: Record<string, number> = {};
    for (const state of wanted) counts[state] = 0;
    for (const job of this.#jobs.values()) {
      if (job.state in counts) counts[job.state] = (counts[job.state] ?? 0) + 1;
    }
    return Promise.resolve(counts);
  }

  /** Starts a worker that runs `processor` on this queue's jobs. */
  process(
    processor: (job: InProcessJob<T>) => Promise<unknown>,
    options: InProcessWorkerOptions<T> = {},
  ): QueueWorker {
    const worker = new InProcessWorker(this.#lease, processor, options);
    this.#workers.add(worker);
    worker.pump();
    return worker;
  }

  /**
   * Stops taking jobs, waits for running ones, and drops the jobs still
   * waiting or delayed (see the class comment).
   */
  async close(): Promise<void> {
    this.#isClosed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#waiting.length = 0;
    await Promise.all([...this.#workers].map((worker) => worker.close()));
  }

  #add(name: string, data: T, options: JobAddOptions = {}): InProcessJob<T> {
    if (this.#isClosed) {
      throw new WakalaError(
        'whatsapp.queue_closed',
        `The in-process queue ${this.name} is closed; the process is stopping.`,
        { isRetryable: true },
      );
    }
    this.#forgetOldFinished();
    const known = options.jobId ? this.#jobs.get(options.jobId) : undefined;
    if (known) return view(known);
    const job: StoredJob<T> = {
      id: options.jobId ?? randomUUID(),
      name,
      data,
      attemptsMade: 0,
      state: 'waiting',
      finishedAt: 0,
    };
    this.#jobs.set(job.id, job);
    this.#enqueue(job);
    return view(job);
  }

  #enqueue(job: StoredJob<T>): void {
    if (this.#isClosed) return;
    job.state = 'waiting';
    this.#waiting.push(job);
    for (const worker of this.#workers) worker.pump();
  }

  /** What a worker may do with this queue; an arrow keeps `this`. */
  readonly #lease: JobLease<T> = {
    take: () => {
      const job = this.#waiting.shift();
      if (job) job.state = 'active';
      return job;
    },
    complete: (job) => this.#finish(job, 'completed'),
    fail: (job, error) => this.#fail(job, error),
    release: (worker) => this.#workers.delete(worker),
  };

  #fail(job: StoredJob<T>, error: unknown): void {
    job.attemptsMade += 1;
    if (isUnrecoverable(error) || job.attemptsMade >= this.#attempts) {
      this.#finish(job, 'failed');
      return;
    }
    job.state = 'delayed';
    if (this.#isClosed) return;
    const delay = 2 ** (job.attemptsMade - 1) * this.#backoffDelayMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(job);
    }, delay);
    this.#timers.add(timer);
  }

  #finish(job: StoredJob<T>, state: 'completed' | 'failed'): void {
    job.state = state;
    job.finishedAt = this.#clock();
    this.#finished.add(job.id);
  }

  #forgetOldFinished(): void {
    const cutoff = this.#clock() - this.#keepFinishedMs;
    for (const id of this.#finished) {
      const job = this.#jobs.get(id);
      const isTooMany = this.#finished.size > this.#keepFinishedCount;
      if (job && !isTooMany && job.finishedAt > cutoff) return;
      this.#finished.delete(id);
      this.#jobs.delete(id);
    }
  }
}

/** The queue's side of a worker: where jobs come from and go back to. */
interface JobLease<T> {
  take(): StoredJob<T> | undefined;
  complete(job: StoredJob<T>): void;
  fail(job: StoredJob<T>, error: unknown): void;
  release(worker: InProcessWorker<T>): void;
}

/** Runs jobs of one queue, at most `concurrency` at a time. */
class InProcessWorker<T> implements QueueWorker {
  readonly #lease: JobLease<T>;
  readonly #processor: (job: InProcessJob<T>) => Promise<unknown>;
  readonly #concurrency: number;
  readonly #onFailed: InProcessWorkerOptions<T>['onFailed'];
  readonly #running = new Set<Promise<void>>();
  #isClosing = false;

  constructor(
    lease: JobLease<T>,
    processor: (job: InProcessJob<T>) => Promise<unknown>,
    options: InProcessWorkerOptions<T>,
  ) {
    this.#lease = lease;
    this.#processor = processor;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#onFailed = options.onFailed;
  }

  /** Starts waiting jobs while this worker has room for them. */
  pump(): void {
    while (!this.#isClosing && this.#running.size < this.#concurrency) {
      const job = this.#lease.take();
      if (!job) return;
      const run: Promise<void> = this.#run(job).finally(() => {
        this.#running.delete(run);
        this.pump();
      });
      this.#running.add(run);
    }
  }

  async close(): Promise<void> {
    this.#isClosing = true;
    this.#lease.release(this);
    await Promise.all(this.#running);
  }

  async #run(job: StoredJob<T>): Promise<void> {
    try {
      await this.#processor(view(job));
      this.#lease.complete(job);
    } catch (error) {
      this.#lease.fail(job, error);
      try {
        this.#onFailed?.(view(job), error);
      } catch {
        // A broken log hook must not stop the worker.
      }
    }
  }
}

/** A copy a processor can hold without reaching the queue's own record. */
function view<T>(job: StoredJob<T>): InProcessJob<T> {
  return {
    id: job.id,
    name: job.name,
    data: job.data,
    attemptsMade: job.attemptsMade,
  };
}

/** As BullMQ decides it: the class, or an error carrying its name. */
function isUnrecoverable(error: unknown): boolean {
  return (
    error instanceof UnrecoverableError ||
    (error instanceof Error && error.name === 'UnrecoverableError')
  );
}
