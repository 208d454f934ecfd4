// The few queue operations the WhatsApp channel uses, as structural types
// that BullMQ's Queue and Job satisfy as they are and that the in-process
// queue of the embedded default implements (in-process-queue.ts).

/** What a processor is given: the job's id and its data. */
export interface QueueJob<T> {
  id?: string | undefined;
  data: T;
}

/** Options of one added job; the id makes adding it idempotent. */
export interface JobAddOptions {
  /** A job whose id is already known is not added again. */
  jobId?: string;
}

/** The states a job passes through, named as BullMQ names them. */
export type JobState =
  'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

/** The one operation the webhook route needs: put a job on the queue. */
export interface JobSink<T> {
  add(name: string, data: T, options?: JobAddOptions): Promise<unknown>;
}

/** A queue as the channel and the app use it, whichever backend runs it. */
export interface JobQueue<T> extends JobSink<T> {
  addBulk(
    jobs: Array<{ name: string; data: T; opts?: JobAddOptions }>,
  ): Promise<unknown>;
  /** Counts of jobs in the given states (all states when none is given). */
  getJobCounts(...states: JobState[]): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** A running worker of a queue; closing waits for the jobs it is running. */
export interface QueueWorker {
  close(): Promise<void>;
}
