import { InProcessQueue } from './in-process-queue.ts';
import type { QueueWorker } from './job-queue.ts';
import { MemoryContactMailbox } from './memory-contact-mailbox.ts';
import { MemoryKeyValueStore } from './memory-key-value-store.ts';
import { MemoryThroughputLimiter } from './memory-throughput-limiter.ts';
import type { OutboundJobData } from './outbound-sender.ts';
import { WhatsappKeys } from './whatsapp-keys.ts';
import {
  createWhatsappPipeline,
  INBOUND_RETRY,
  logJobFailure,
  outboundRetry,
  type WhatsappChannelRuntime,
  type WhatsappPipelineOptions,
} from './whatsapp-pipeline.ts';
import type { InboundJobData } from './whatsapp-ports.ts';

export interface InProcessWhatsappChannelOptions extends WhatsappPipelineOptions {
  /** First segment of the channel's keys (default `wakala`). */
  keyPrefix?: string;
}

/** The channel with its queues and state inside this process. */
export interface InProcessWhatsappChannel extends WhatsappChannelRuntime {
  inboundQueue: InProcessQueue<InboundJobData>;
  outboundQueue: InProcessQueue<OutboundJobData>;
}

/**
 * Wires the WhatsApp channel for the embedded default: the same inbound
 * processor and sender as on Redis, over in-process queues, mailbox,
 * throughput limiter and key/value store.
 *
 * Known limit, by design: queued and delayed work lives in this process's
 * memory and is lost when the process stops, and no other process can
 * share the queues. The embedded default is for trying Wakala, not for
 * production; set DATABASE_URL and REDIS_URL to run the channel on BullMQ.
 */
export function createInProcessWhatsappChannel(
  options: InProcessWhatsappChannelOptions,
): InProcessWhatsappChannel {
  const { logger } = options;
  const clock = options.clock ?? Date.now;
  const inboundQueue = new InProcessQueue<InboundJobData>('whatsapp-inbound', {
    ...INBOUND_RETRY,
    clock,
  });
  const outboundQueue = new InProcessQueue<OutboundJobData>(
    'whatsapp-outbound',
    { ...outboundRetry(options), clock },
  );
  const { processor, sender, sendReplies } = createWhatsappPipeline(options, {
    keys: new WhatsappKeys(options.keyPrefix ?? 'wakala'),
    store: new MemoryKeyValueStore({ clock }),
    mailbox: new MemoryContactMailbox(),
    throttle: new MemoryThroughputLimiter(),
    outboundQueue,
  });

  function startWorkers(): { inbound: QueueWorker; outbound: QueueWorker } {
    const inbound = inboundQueue.process((job) => processor.process(job), {
      concurrency: options.inboundConcurrency ?? 50,
      onFailed: (job, error) =>
        logJobFailure(logger, inboundQueue.name, job, error),
    });
    const outbound = outboundQueue.process((job) => sender.process(job), {
      concurrency: options.outboundConcurrency ?? 50,
      onFailed: (job, error) =>
        logJobFailure(logger, outboundQueue.name, job, error),
    });
    return { inbound, outbound };
  }

  async function close(): Promise<void> {
    // Inbound first: its running turns may still queue replies to send.
    await inboundQueue.close();
    await outboundQueue.close();
  }

  return { inboundQueue, outboundQueue, startWorkers, sendReplies, close };
}
