import { UnrecoverableError } from 'bullmq';
import type { Logger } from '../../shared/index.ts';
import { currentTenant } from '../../tenancy/tenant-context.ts';
import { GraphApiError } from './graph-error.ts';
import type { GraphClient, OutboundPayload } from './graph-client.ts';
import type { QueueJob } from './job-queue.ts';
import type { KeyValueStore } from './key-value-store.ts';
import {
  findOutboundMessage,
  lastInboundAt,
  recordAttempt,
  recordFailed,
  recordSent,
} from './message-records.ts';
import type { OrderedMailbox } from './ordered-mailbox.ts';
import type { SendThrottle } from './send-throttle.ts';
import type { WhatsappKeys } from './whatsapp-keys.ts';
import type { WhatsappNumberLookup } from './whatsapp-number-lookup.ts';
import {
  effectiveMessagesPerSecond,
  whatsappSettingsOf,
  type WhatsappTenantSettings,
} from './whatsapp-settings.ts';

/** What an outbound job names: one message of one contact. */
export interface OutboundJobData {
  tenantId: string;
  contactId: string;
  outboundId: string;
}

/** Where a test may stop a send to play a worker dying at that point. */
export type SendPausePoint = 'before-send' | 'after-record';

export interface OutboundSenderOptions {
  store: KeyValueStore;
  keys: WhatsappKeys;
  mailbox: OrderedMailbox;
  graph: GraphClient;
  limiter: SendThrottle;
  numbers: WhatsappNumberLookup;
  runInTenant: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T>;
  logger: Logger;
  clock?: () => number;
  /** Rate of numbers with none of their own or of their tenant (80). */
  defaultMessagesPerSecond?: number;
  /** Fault injection for tests; production leaves it unset. */
  pauseAt?: (point: SendPausePoint, outboundId: string) => Promise<void>;
}

type Outcome = 'sent' | 'skipped' | 'failed';

const WINDOW_MS = 24 * 60 * 60 * 1000;
// Leave a minute of margin: a send that starts just inside the window may
// reach Meta just outside it.
const WINDOW_MARGIN_MS = 60 * 1000;

/**
 * Sends queued messages, one contact at a time and in order, exactly once:
 * the row of each message is created before it is queued and gets Meta's
 * wamid the moment the send succeeds, so a job retried after a worker died
 * skips a message that already left. The one gap left is a death between
 * Meta accepting the send and the wamid being stored (milliseconds); Meta
 * offers no idempotency key that could close it.
 */
export class OutboundSender {
  readonly #o: OutboundSenderOptions;
  readonly #clock: () => number;

  constructor(options: OutboundSenderOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** Queue processor: drains the contact's outbox until this message left. */
  async process(job: QueueJob<OutboundJobData>): Promise<void> {
    const { tenantId, contactId, outboundId } = job.data;
    const outcomes = new Map<string, Outcome>();
    await this.#o.runInTenant(tenantId, () =>
      this.#o.mailbox.drainUntilHandled(
        {
          items: this.#o.keys.outbox(tenantId, contactId),
          lock: this.#o.keys.outboxLock(tenantId, contactId),
        },
        outboundId,
        async (id) => {
          outcomes.set(id, await this.#sendOne(id));
        },
      ),
    );
    if (outcomes.get(outboundId) === 'failed') {
      throw new UnrecoverableError(
        `WhatsApp message ${outboundId} failed permanently; see its record.`,
      );
    }
  }

  async #sendOne(id: string): Promise<Outcome> {
    const row = await findOutboundMessage(id);
    if (!row || row.wamid || row.status === 'failed') return 'skipped';
    await this.#o.pauseAt?.('before-send', id);
    const settings = whatsappSettingsOf(currentTenant());
    const last = await lastInboundAt(row.contactId);
    if (last === null || this.#clock() - last > WINDOW_MS - WINDOW_MARGIN_MS) {
      return this.#sendTemplate(row, settings, last);
    }
    try {
      const wamid = await this.#send(
        row.phoneNumberId,
        row.contactId,
        row.payload as OutboundPayload,
        settings,
      );
      await recordSent(id, wamid, false);
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      if (error.action === 'template')
        return this.#sendTemplate(row, settings, last);
      return this.#onSendError(id, error);
    }
    await this.#o.pauseAt?.('after-record', id);
    return 'sent';
  }

  /** Waits for the number's rate (its own, the tenant's or 80), then sends. */
  async #send(
    phoneNumberId: string,
    to: string,
    payload: OutboundPayload,
    settings: WhatsappTenantSettings,
  ): Promise<string> {
    const number = await this.#o.numbers(phoneNumberId);
    const { perSecond } = effectiveMessagesPerSecond(
      number.messagesPerSecond,
      settings,
      this.#o.defaultMessagesPerSecond,
    );
    await this.#o.limiter.take(phoneNumberId, perSecond);
    return this.#o.graph.sendMessage(
      phoneNumberId,
      number.accessToken,
      to,
      payload,
    );
  }

  async #onSendError(id: string, error: GraphApiError): Promise<Outcome> {
    const log = {
      outboundId: id,
      graphCode: error.graphCode,
      status: error.status,
    };
    if (error.action === 'retry') {
      await recordAttempt(id, error.graphCode);
      this.#o.logger.warn(log, 'whatsapp send will be retried');
      throw error;
    }
    await recordFailed(id, error.graphCode, error.message);
    this.#o.logger.warn(log, 'whatsapp send failed permanently');
    return 'failed';
  }

  /**
   * Outside the 24-hour window only an approved template may be sent. One
   * template re-opens the conversation; further messages of the same
   * closed window are recorded as failed rather than sending a template
   * each (the person answers the template and the flow takes over again).
   */
  async #sendTemplate(
    row: { id: string; phoneNumberId: string; contactId: string },
    settings: WhatsappTenantSettings,
    lastInbound: number | null,
  ): Promise<Outcome> {
    const tenantId = currentTenant().id;
    const markerKey = this.#o.keys.templateSent(tenantId, row.contactId);
    const marker = Number((await this.#o.store.get(markerKey)) ?? 0);
    if (!settings.template || marker > (lastInbound ?? 0)) {
      const title = settings.template
        ? 'outside the 24-hour window; a template was already sent'
        : 'outside the 24-hour window and the tenant has no template configured';
      await recordFailed(row.id, 131047, title);
      this.#o.logger.warn(
        { outboundId: row.id },
        'whatsapp send dropped outside window',
      );
      return 'failed';
    }
    const payload: OutboundPayload = {
      type: 'template',
      template: {
        name: settings.template.name,
        language: { code: settings.template.language, policy: 'deterministic' },
      },
    };
    try {
      const wamid = await this.#send(
        row.phoneNumberId,
        row.contactId,
        payload,
        settings,
      );
      await recordSent(row.id, wamid, true);
      await this.#o.store.set(markerKey, String(this.#clock()), WINDOW_MS);
      return 'sent';
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      return this.#onSendError(row.id, error);
    }
  }
}
