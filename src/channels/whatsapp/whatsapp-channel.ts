import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Reply } from '../../flows/reply.ts';
import type { Language } from '../../i18n/index.ts';
import type { Logger } from '../../shared/index.ts';
import { ContactMailbox } from './contact-mailbox.ts';
import { GraphClient } from './graph-client.ts';
import { InboundProcessor } from './inbound-processor.ts';
import type {
  InboundJobData,
  MediaStore,
  WhatsappTenantResolver,
  WhatsappTurnRunner,
} from './whatsapp-ports.ts';
import { recordQueuedMessages } from './message-records.ts';
import {
  OutboundSender,
  type AccessTokenLookup,
  type OutboundJobData,
  type SendPausePoint,
} from './outbound-sender.ts';
import {
  renderMenuPage,
  renderReplies,
  type PagedMenu,
} from './reply-renderer.ts';
import { ThroughputLimiter } from './throughput-limiter.ts';
import type { WhatsappConfig } from './whatsapp-config.ts';
import { WhatsappKeys } from './whatsapp-keys.ts';

export interface WhatsappChannelOptions {
  /** Redis for the channel's own keys; queues and workers get duplicates. */
  redis: Redis;
  config: Pick<WhatsappConfig, 'graphUrl' | 'graphVersion'>;
  /** Prefix of every Redis key and BullMQ queue of the channel. */
  keyPrefix: string;
  resolver: WhatsappTenantResolver;
  turnRunner: WhatsappTurnRunner;
  runInTenant: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T>;
  accessToken: AccessTokenLookup;
  logger: Logger;
  mediaStore?: MediaStore;
  clock?: () => number;
  inboundConcurrency?: number;
  outboundConcurrency?: number;
  orderingGraceMs?: number;
  turnBudgetMs?: number;
  /** Send attempts before a message counts as failed (default 8). */
  outboundAttempts?: number;
  /** First retry delay; doubles with each attempt (default 2 s). */
  backoffDelayMs?: number;
  defaultMessagesPerSecond?: number;
  /** Worker lock settings; tests shorten them to see stalled jobs quickly. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  pauseAt?: (point: SendPausePoint, outboundId: string) => Promise<void>;
}

/** Replies for one contact, from a turn or from outside a conversation. */
export interface SendRepliesInput {
  tenantId: string;
  phoneNumberId: string;
  contactId: string;
  language: Language;
  replies: Reply[];
  /** Turn that produced them; a fresh id is used when absent. */
  turnId?: string;
}

/** The running WhatsApp channel: queues, their workers and the send entry. */
export interface WhatsappChannel {
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

/**
 * Wires the WhatsApp channel: an inbound queue fed by the webhook route, a
 * worker that runs turns, and an outbound queue whose worker sends within
 * Meta's limits. The lead's app passes the engine, resolver and tenancy in;
 * nothing here reaches for globals.
 */
export function createWhatsappChannel(
  options: WhatsappChannelOptions,
): WhatsappChannel {
  const { redis, keyPrefix, logger } = options;
  const keys = new WhatsappKeys(keyPrefix);
  const mailbox = new ContactMailbox(redis, {
    lockTtlMs: options.lockDurationMs ?? 30_000,
  });
  const graph = new GraphClient(options.config);
  const queueConnection = redis.duplicate({ maxRetriesPerRequest: null });
  const prefix = `${keyPrefix}:bull`;
  const inboundQueue = new Queue<InboundJobData>('whatsapp-inbound', {
    connection: queueConnection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1000 },
      // Kept an hour so a re-delivery of the same payload is recognised by
      // its job id; failed ones a week for the on-call person.
      removeOnComplete: { age: 3600, count: 100_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  const outboundQueue = new Queue<OutboundJobData>('whatsapp-outbound', {
    connection: queueConnection,
    prefix,
    defaultJobOptions: {
      attempts: options.outboundAttempts ?? 8,
      backoff: { type: 'exponential', delay: options.backoffDelayMs ?? 2000 },
      removeOnComplete: { age: 3600, count: 100_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
  const sender = new OutboundSender({
    redis,
    keys,
    mailbox,
    graph,
    limiter: new ThroughputLimiter(redis, keys),
    accessToken: options.accessToken,
    runInTenant: options.runInTenant,
    logger: logger.child({ module: 'whatsapp-outbound' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.defaultMessagesPerSecond
      ? { defaultMessagesPerSecond: options.defaultMessagesPerSecond }
      : {}),
    ...(options.pauseAt ? { pauseAt: options.pauseAt } : {}),
  });

  async function sendReplies(input: SendRepliesInput): Promise<string[]> {
    const rendered = renderReplies(input.replies, input.language);
    if (rendered.pagedMenu) {
      await redis.set(
        keys.pagedMenu(input.tenantId, input.contactId),
        JSON.stringify(rendered.pagedMenu),
        'EX',
        86_400,
      );
    }
    return enqueue(input, rendered.payloads);
  }

  async function enqueue(
    input: Omit<SendRepliesInput, 'replies' | 'language'>,
    payloads: ReturnType<typeof renderReplies>['payloads'],
  ): Promise<string[]> {
    const turnId = input.turnId ?? randomUUID();
    const messages = payloads.map((payload, index) => ({
      id: `${turnId}-${index}`,
      phoneNumberId: input.phoneNumberId,
      contactId: input.contactId,
      turnId,
      payload,
    }));
    await options.runInTenant(input.tenantId, () =>
      recordQueuedMessages(messages),
    );
    const outbox = {
      items: keys.outbox(input.tenantId, input.contactId),
      lock: keys.outboxLock(input.tenantId, input.contactId),
    };
    for (const message of messages) {
      const seq = await redis.incr(
        keys.outboxSequence(input.tenantId, input.contactId),
      );
      await mailbox.put(outbox, seq, message.id);
    }
    await outboundQueue.addBulk(
      messages.map((m) => ({
        name: 'send',
        data: {
          tenantId: input.tenantId,
          contactId: input.contactId,
          outboundId: m.id,
        },
        opts: { jobId: m.id },
      })),
    );
    return messages.map((m) => m.id);
  }

  async function sendPage(input: {
    tenantId: string;
    phoneNumberId: string;
    contactId: string;
    page: number;
  }): Promise<void> {
    const stored = await redis.get(
      keys.pagedMenu(input.tenantId, input.contactId),
    );
    if (!stored || !Number.isInteger(input.page) || input.page < 0) return;
    const { payloads } = renderMenuPage(
      JSON.parse(stored) as PagedMenu,
      input.page,
    );
    await enqueue(input, payloads);
  }

  const processor = new InboundProcessor({
    redis,
    keys,
    mailbox,
    resolver: options.resolver,
    turnRunner: options.turnRunner,
    runInTenant: options.runInTenant,
    sendReplies: async (input) => {
      await sendReplies(input);
    },
    sendPage,
    graph,
    accessToken: options.accessToken,
    logger: logger.child({ module: 'whatsapp-inbound' }),
    ...(options.mediaStore ? { mediaStore: options.mediaStore } : {}),
    ...(options.orderingGraceMs !== undefined
      ? { orderingGraceMs: options.orderingGraceMs }
      : {}),
    ...(options.turnBudgetMs !== undefined
      ? { turnBudgetMs: options.turnBudgetMs }
      : {}),
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
      worker.on('failed', (job, error) => {
        logger.warn(
          {
            queue: worker.name,
            jobId: job?.id,
            attempts: job?.attemptsMade,
            err: error,
          },
          'whatsapp job failed',
        );
      });
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
