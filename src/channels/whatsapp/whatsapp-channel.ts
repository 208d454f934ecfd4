import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ContactMailbox } from './contact-mailbox.ts';
import type { OutboundJobData } from './outbound-sender.ts';
import { RedisKeyValueStore } from './redis-key-value-store.ts';
import { ThroughputLimiter } from './throughput-limiter.ts';
import { WhatsappKeys } from './whatsapp-keys.ts';
import {
  createWhatsappPipeline,
  INBOUND_RETRY,
  logJobFailure,
  outboundRetry,
  type SendRepliesInput,
  type WhatsappChannelRuntime,
  type WhatsappPipelineOptions,
} from './whatsapp-pipeline.ts';
import type { InboundJobData } from './whatsapp-ports.ts';

export interface WhatsappChannelOptions extends WhatsappPipelineOptions {
  /** Redis for the channel's own keys; queues and workers get duplicates. */
  redis: Redis;
  /** Prefix of every Redis key and BullMQ queue of the channel. */
  keyPrefix: string;
  /** Worker lock settings; tests shorten them to see stalled jobs quickly. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

/** The channel on BullMQ and Redis, as production runs it. */
export interface WhatsappChannel extends WhatsappChannelRuntime {
  inboundQueue: Queue<InboundJobData>;
  outboundQueue: Queue<OutboundJobData>;
  /** Starts one inbound and one outbound worker in this process. */
  startWorkers(): {
    inbound: Worker<InboundJobData>;
    outbound: Worker<OutboundJobData>;
  };
  /** Renders replies and queues them; returns the outbound message ids. */
  sendReplies(input: SendRepliesInput): Promise<string[]>;
  close(): Promise<void>;
}

// Finished jobs are kept an hour so a re-delivery of the same payload is
// recognised by its job id; failed ones a week for the on-call person.
const RETENTION = {
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/**
 * Wires the WhatsApp channel on Redis: an inbound queue fed by the webhook
 * route, a worker that runs turns, and an outbound queue whose worker sends
 * within Meta's limits. Any number of processes may run its workers. The
 * lead's app passes the engine, resolver and tenancy in; nothing here
 * reaches for globals.
 */
export function createWhatsappChannel(
  options: WhatsappChannelOptions,
): WhatsappChannel {
  const { redis, keyPrefix, logger } = options;
  const queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const prefix = `${keyPrefix}:bull`;
  const inboundQueue = new Queue<InboundJobData>('whatsapp-inbound', {
    connection: queueConnection,
    prefix,
    defaultJobOptions: {
      attempts: INBOUND_RETRY.attempts,
      backoff: { type: 'exponential', delay: INBOUND_RETRY.backoffDelayMs },
      ...RETENTION,
    },
  });
  const retry = outboundRetry(options);
  const outboundQueue = new Queue<OutboundJobData>('whatsapp-outbound', {
    connection: queueConnection,
    prefix,
    defaultJobOptions: {
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffDelayMs },
      ...RETENTION,
    },
  });
  const keys = new WhatsappKeys(keyPrefix);
  const { processor, sender, sendReplies } = createWhatsappPipeline(options, {
    keys,
    store: new RedisKeyValueStore(redis),
    mailbox: new ContactMailbox(redis, {
      lockTtlMs: options.lockDurationMs ?? 30_000,
    }),
    throttle: new ThroughputLimiter(redis, keys),
    outboundQueue,
  });

  const workers: Worker[] = [];
  const connections: Redis[] = [queueConnection];

  function startWorkers() {
    const workerSettings = {
      prefix,
      ...(options.lockDurationMs
        ? { lockDuration: options.lockDurationMs }
        : {}),
      ...(options.stalledIntervalMs
        ? { stalledInterval: options.stalledIntervalMs }
        : {}),
    };
    const inboundConnection = redis.duplicate({ maxRetriesPerRequest: null });
    const outboundConnection = redis.duplicate({ maxRetriesPerRequest: null });
    connections.push(inboundConnection, outboundConnection);
    const inbound = new Worker<InboundJobData>(
      'whatsapp-inbound',
      (job) => processor.process(job),
      {
        ...workerSettings,
        connection: inboundConnection,
        concurrency: options.inboundConcurrency ?? 50,
      },
    );
    const outbound = new Worker<OutboundJobData>(
      'whatsapp-outbound',
      (job) => sender.process(job),
      {
        ...workerSettings,
        connection: outboundConnection,
        concurrency: options.outboundConcurrency ?? 50,
      },
    );
    for (const worker of [inbound, outbound]) {
      worker.on('failed', (job, error) =>
        logJobFailure(logger, worker.name, job, error),
      );
      worker.on('error', (error) =>
        logger.error(
          { queue: worker.name, err: error },
          'whatsapp worker error',
        ),
      );
    }
    workers.push(inbound, outbound);
    return { inbound, outbound };
  }

  async function close(): Promise<void> {
    await Promise.all(workers.map((w) => w.close()));
    await inboundQueue.close();
    await outboundQueue.close();
    for (const connection of connections) connection.disconnect();
  }

  return { inboundQueue, outboundQueue, startWorkers, sendReplies, close };
}
