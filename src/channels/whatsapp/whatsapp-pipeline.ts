import { randomUUID } from 'node:crypto';
import type { Reply } from '../../flows/reply.ts';
import type { Language } from '../../i18n/index.ts';
import type { Logger } from '../../shared/index.ts';
import { GraphClient } from './graph-client.ts';
import { InboundProcessor } from './inbound-processor.ts';
import type { JobQueue, QueueWorker } from './job-queue.ts';
import type { KeyValueStore } from './key-value-store.ts';
import { recordQueuedMessages } from './message-records.ts';
import type { OrderedMailbox } from './ordered-mailbox.ts';
import {
  OutboundSender,
  type OutboundJobData,
  type SendPausePoint,
} from './outbound-sender.ts';
import {
  renderMenuPage,
  renderReplies,
  type PagedMenu,
} from './reply-renderer.ts';
import type { SendThrottle } from './send-throttle.ts';
import type { WhatsappConfig } from './whatsapp-config.ts';
import type { WhatsappKeys } from './whatsapp-keys.ts';
import type { WhatsappNumberLookup } from './whatsapp-number-lookup.ts';
import type {
  InboundJobData,
  MediaStore,
  WhatsappTenantResolver,
  WhatsappTurnRunner,
} from './whatsapp-ports.ts';

/** Options of the WhatsApp channel whichever queues run it. */
export interface WhatsappPipelineOptions {
  config: Pick<WhatsappConfig, 'graphUrl' | 'graphVersion'>;
  resolver: WhatsappTenantResolver;
  turnRunner: WhatsappTurnRunner;
  runInTenant: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T>;
  /** Token and own rate of a business number (createWhatsappNumberLookup). */
  numbers: WhatsappNumberLookup;
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
  /** Rate of numbers with none of their own or of their tenant (80). */
  defaultMessagesPerSecond?: number;
  pauseAt?: (point: SendPausePoint, outboundId: string) => Promise<void>;
}

/** Where the channel keeps its state: Redis, or this process's memory. */
export interface WhatsappBackend {
  keys: WhatsappKeys;
  store: KeyValueStore;
  mailbox: OrderedMailbox;
  throttle: SendThrottle;
  outboundQueue: Pick<JobQueue<OutboundJobData>, 'addBulk'>;
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

/** What the app needs of a running channel, whichever queues it runs on. */
export interface WhatsappChannelRuntime {
  inboundQueue: JobQueue<InboundJobData>;
  outboundQueue: JobQueue<OutboundJobData>;
  /** Starts one inbound and one outbound worker in this process. */
  startWorkers(): { inbound: QueueWorker; outbound: QueueWorker };
  /** Renders replies and queues them; returns the outbound message ids. */
  sendReplies(input: SendRepliesInput): Promise<string[]>;
  close(): Promise<void>;
}

/** Retries of an inbound payload: a turn may meet a moving tenant. */
export const INBOUND_RETRY = { attempts: 10, backoffDelayMs: 1000 };

/** Retries of one send, from the options or their defaults. */
export function outboundRetry(options: WhatsappPipelineOptions): {
  attempts: number;
  backoffDelayMs: number;
} {
  return {
    attempts: options.outboundAttempts ?? 8,
    backoffDelayMs: options.backoffDelayMs ?? 2000,
  };
}

/** The one log line of a failed attempt, the same for both backends. */
export function logJobFailure(
  logger: Logger,
  queue: string,
  job: { id?: string | undefined; attemptsMade?: number } | undefined,
  error: unknown,
): void {
  logger.warn(
    { queue, jobId: job?.id, attempts: job?.attemptsMade, err: error },
    'whatsapp job failed',
  );
}

/**
 * Builds the parts both backends share: the inbound processor that runs
 * turns, the sender that delivers within Meta's limits, and the entry that
 * renders replies and queues them in order.
 */
export function createWhatsappPipeline(
  options: WhatsappPipelineOptions,
  backend: WhatsappBackend,
): {
  processor: InboundProcessor;
  sender: OutboundSender;
  sendReplies: (input: SendRepliesInput) => Promise<string[]>;
} {
  const { keys, store, mailbox } = backend;
  const graph = new GraphClient(options.config);

  async function sendReplies(input: SendRepliesInput): Promise<string[]> {
    const rendered = renderReplies(input.replies, input.language);
    if (rendered.pagedMenu) {
      await store.set(
        keys.pagedMenu(input.tenantId, input.contactId),
        JSON.stringify(rendered.pagedMenu),
        86_400_000,
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
      const seq = await store.increment(
        keys.outboxSequence(input.tenantId, input.contactId),
      );
      await mailbox.put(outbox, seq, message.id);
    }
    await backend.outboundQueue.addBulk(
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
    const stored = await store.get(
      keys.pagedMenu(input.tenantId, input.contactId),
    );
    if (!stored || !Number.isInteger(input.page) || input.page < 0) return;
    const { payloads } = renderMenuPage(
      JSON.parse(stored) as PagedMenu,
      input.page,
    );
    await enqueue(input, payloads);
  }

  const sender = new OutboundSender({
    store,
    keys,
    mailbox,
    graph,
    limiter: backend.throttle,
    numbers: options.numbers,
    runInTenant: options.runInTenant,
    logger: options.logger.child({ module: 'whatsapp-outbound' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.defaultMessagesPerSecond
      ? { defaultMessagesPerSecond: options.defaultMessagesPerSecond }
      : {}),
    ...(options.pauseAt ? { pauseAt: options.pauseAt } : {}),
  });
  const processor = new InboundProcessor({
    store,
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
    numbers: options.numbers,
    logger: options.logger.child({ module: 'whatsapp-inbound' }),
    ...(options.mediaStore ? { mediaStore: options.mediaStore } : {}),
    ...(options.orderingGraceMs !== undefined
      ? { orderingGraceMs: options.orderingGraceMs }
      : {}),
    ...(options.turnBudgetMs !== undefined
      ? { turnBudgetMs: options.turnBudgetMs }
      : {}),
  });
  return { processor, sender, sendReplies };
}
