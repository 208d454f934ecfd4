import { UnrecoverableError } from 'bullmq';
import type { Contact, FlowEvent } from '../../engine/inbound-event.ts';
import type { Reply } from '../../flows/reply.ts';
import { hashPhone, type Logger } from '../../shared/index.ts';
import type { ResolvedTenant } from '../../tenancy/tenant-context.ts';
import type { GraphClient } from './graph-client.ts';
import type { QueueJob } from './job-queue.ts';
import type { KeyValueStore } from './key-value-store.ts';
import { recordInbound, recordStatus } from './message-records.ts';
import type { OrderedMailbox } from './ordered-mailbox.ts';
import { PAGE_OPTION_PREFIX } from './reply-renderer.ts';
import {
  parseWebhookPayload,
  type WebhookItem,
  type WebhookMessage,
} from './webhook-payload.ts';
import type { WhatsappKeys } from './whatsapp-keys.ts';
import type { WhatsappNumberLookup } from './whatsapp-number-lookup.ts';
import type {
  InboundJobData,
  MediaStore,
  ReplySink,
  WhatsappTenantResolver,
  WhatsappTurnRunner,
} from './whatsapp-ports.ts';
import { whatsappSettingsOf } from './whatsapp-settings.ts';

export interface InboundProcessorOptions {
  store: KeyValueStore;
  keys: WhatsappKeys;
  mailbox: OrderedMailbox;
  resolver: WhatsappTenantResolver;
  turnRunner: WhatsappTurnRunner;
  runInTenant: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T>;
  sendReplies: ReplySink;
  sendPage(input: {
    tenantId: string;
    phoneNumberId: string;
    contactId: string;
    page: number;
  }): Promise<void>;
  graph: GraphClient;
  numbers: WhatsappNumberLookup;
  logger: Logger;
  mediaStore?: MediaStore;
  /** How long a message waits for an earlier one delivered a moment later. */
  orderingGraceMs?: number;
  turnBudgetMs?: number;
}

/** A message parked in its contact's inbox, in a deterministic form. */
interface PendingMessage {
  wamid: string;
  tenantId: string;
  phoneNumberId: string;
  contact: Contact;
  event: FlowEvent;
  sentAt: number;
}

/**
 * Handles one queued webhook payload: records statuses, then runs one turn
 * per message through the engine, one contact at a time and in Meta's
 * timestamp order (see ContactMailbox), and hands the replies to the
 * outbound queue.
 */
export class InboundProcessor {
  readonly #o: InboundProcessorOptions;

  constructor(options: InboundProcessorOptions) {
    this.#o = options;
  }

  /** Processor of the inbound queue (BullMQ's or the in-process one). */
  async process(job: QueueJob<InboundJobData>): Promise<void> {
    let items: WebhookItem[];
    try {
      items = parseWebhookPayload(JSON.parse(job.data.body));
    } catch (error) {
      this.#o.logger.warn(
        { jobId: job.id, err: error },
        'whatsapp payload unreadable',
      );
      throw new UnrecoverableError(
        'The webhook payload could not be read; it is kept on the failed list.',
      );
    }
    const parked: PendingMessage[] = [];
    for (const [phoneNumberId, group] of groupByNumber(items)) {
      const resolved =
        await this.#o.resolver.byWhatsappPhoneNumberId(phoneNumberId);
      if (resolved.kind !== 'tenant' || !resolved.tenant) {
        this.#o.logger.warn(
          { phoneNumberId, items: group.length },
          'whatsapp number unknown; payload ignored',
        );
        continue;
      }
      parked.push(...(await this.#park(resolved.tenant, group)));
    }
    if (parked.length === 0) return;
    // Give a message delivered a moment late, but written earlier, the
    // chance to overtake before this contact's inbox is drained.
    await sleep(this.#o.orderingGraceMs ?? 300);
    await Promise.all(
      parked.map((message) =>
        this.#o.mailbox.drainUntilHandled(
          this.#inboxKeys(message.tenantId, message.contact.id),
          JSON.stringify(message),
          (member) => this.#handle(JSON.parse(member) as PendingMessage),
        ),
      ),
    );
  }

  async #park(
    tenant: ResolvedTenant,
    group: WebhookItem[],
  ): Promise<PendingMessage[]> {
    const messages = group.filter(
      (i): i is WebhookMessage => i.kind === 'message',
    );
    await this.#o.runInTenant(tenant.id, async () => {
      for (const item of group) {
        if (item.kind === 'status') await recordStatus(item);
        if (item.kind === 'error')
          this.#o.logger.warn(
            { graphCode: item.code },
            'whatsapp reported an error',
          );
      }
      for (const message of messages)
        await recordInbound(message.contact.id, message.sentAt);
    });
    const parked = messages.map((m) => ({
      wamid: m.wamid,
      tenantId: tenant.id,
      phoneNumberId: m.phoneNumberId,
      contact: m.contact,
      event: m.event,
      sentAt: m.sentAt,
    }));
    for (const message of parked) {
      await this.#o.mailbox.put(
        this.#inboxKeys(tenant.id, message.contact.id),
        message.sentAt,
        JSON.stringify(message),
      );
    }
    return parked;
  }

  async #handle(message: PendingMessage): Promise<void> {
    const { tenantId, phoneNumberId, contact, event } = message;
    const log = {
      tenantId,
      wamid: message.wamid,
      contact: hashPhone(contact.id),
    };
    if (
      event.type === 'user.choice' &&
      event.optionId.startsWith(PAGE_OPTION_PREFIX)
    ) {
      const isNew = await this.#o.store.setIfAbsent(
        this.#o.keys.seen(tenantId, message.wamid),
        '1',
        86_400_000,
      );
      if (!isNew) return;
      const page = Number(event.optionId.slice(PAGE_OPTION_PREFIX.length));
      await this.#o.sendPage({
        tenantId,
        phoneNumberId,
        contactId: contact.id,
        page,
      });
      return;
    }
    if (event.type === 'user.media')
      await this.#keepMedia(tenantId, phoneNumberId, event.mediaId);
    const result = await this.#o.turnRunner.handle(
      {
        id: message.wamid,
        tenantId,
        channel: 'whatsapp',
        contact,
        event,
        receivedAt: message.sentAt,
      },
      { budgetMs: this.#o.turnBudgetMs ?? 20_000 },
    );
    // Known gap: if this worker dies after the turn succeeded but before
    // the replies are queued, the retry sees 'duplicate' and the replies
    // are lost; a timed-out turn's late replies are lost the same way.
    // Fix: have the engine keep a finished turn's replies with its dedupe
    // mark and return them on 'duplicate'.
    if (result.status === 'duplicate') {
      this.#o.logger.debug(log, 'whatsapp message already handled');
      return;
    }
    const replies: Reply[] =
      event.type === 'user.unsupported'
        ? [
            { kind: 'text', text: { key: 'whatsapp:unsupported' } },
            ...result.replies,
          ]
        : result.replies;
    if (replies.length > 0) {
      await this.#o.sendReplies({
        tenantId,
        phoneNumberId,
        contactId: contact.id,
        language: result.language,
        replies,
        turnId: result.turnId,
      });
    }
    await this.#markAsRead(tenantId, phoneNumberId, message.wamid);
  }

  async #keepMedia(
    tenantId: string,
    phoneNumberId: string,
    mediaId: string,
  ): Promise<void> {
    if (!this.#o.mediaStore) return;
    try {
      const { accessToken } = await this.#o.numbers(phoneNumberId);
      await this.#o.mediaStore(
        tenantId,
        mediaId,
        await this.#o.graph.downloadMedia(mediaId, accessToken),
      );
    } catch (error) {
      // The turn still runs with the media id; losing the picture must not
      // lose the conversation.
      this.#o.logger.warn(
        { tenantId, err: error },
        'whatsapp media download failed',
      );
    }
  }

  /**
   * Marks the message read when the tenant asks for it. The setting comes
   * from the resolver's cached tenant (dropped whenever the settings change)
   * rather than a fresh tenant scope: this runs after every turn, and a
   * failure here must not fail a message whose turn already succeeded.
   */
  async #markAsRead(
    tenantId: string,
    phoneNumberId: string,
    wamid: string,
  ): Promise<void> {
    try {
      const resolved =
        await this.#o.resolver.byWhatsappPhoneNumberId(phoneNumberId);
      if (!resolved.tenant || !whatsappSettingsOf(resolved.tenant).isMarkAsRead)
        return;
      const { accessToken } = await this.#o.numbers(phoneNumberId);
      await this.#o.graph.markAsRead(phoneNumberId, accessToken, wamid);
    } catch (error) {
      this.#o.logger.warn(
        { tenantId, err: error },
        'whatsapp mark as read failed',
      );
    }
  }

  #inboxKeys(tenantId: string, contactId: string) {
    return {
      items: this.#o.keys.inbox(tenantId, contactId),
      lock: this.#o.keys.inboxLock(tenantId, contactId),
    };
  }
}

function groupByNumber(items: WebhookItem[]): Map<string, WebhookItem[]> {
  const groups = new Map<string, WebhookItem[]>();
  for (const item of items) {
    const group = groups.get(item.phoneNumberId) ?? [];
    group.push(item);
    groups.set(item.phoneNumberId, group);
  }
  return groups;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
