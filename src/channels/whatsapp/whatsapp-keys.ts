import { WakalaError } from '../../shared/index.ts';

/**
 * Builds every Redis key of the WhatsApp channel, so they all live under one
 * prefix and a segment can never smuggle in the delimiter. Keys of one
 * contact share a hash tag so Redis Cluster keeps them in one slot.
 */
export class WhatsappKeys {
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = checkSegment(prefix);
  }

  /** Pending inbound messages of one contact, scored by Meta's timestamp. */
  inbox(tenantId: string, contactId: string): string {
    return this.#key('inbox', contactTag(tenantId, contactId));
  }

  /** Lock held while one worker drains a contact's inbox. */
  inboxLock(tenantId: string, contactId: string): string {
    return this.#key('inbox-lock', contactTag(tenantId, contactId));
  }

  /** Rendered messages waiting to be sent to one contact, in order. */
  outbox(tenantId: string, contactId: string): string {
    return this.#key('outbox', contactTag(tenantId, contactId));
  }

  /** Lock held while one worker sends a contact's outbox. */
  outboxLock(tenantId: string, contactId: string): string {
    return this.#key('outbox-lock', contactTag(tenantId, contactId));
  }

  /** Sequence that orders a contact's outbound messages. */
  outboxSequence(tenantId: string, contactId: string): string {
    return this.#key('outbox-seq', contactTag(tenantId, contactId));
  }

  /** Time the last template went to a contact (24-hour window closed). */
  templateSent(tenantId: string, contactId: string): string {
    return this.#key('template-sent', contactTag(tenantId, contactId));
  }

  /** A menu too long for one list, kept for its paging rows. */
  pagedMenu(tenantId: string, contactId: string): string {
    return this.#key('paged-menu', contactTag(tenantId, contactId));
  }

  /** Marks an inbound message id the channel answered itself (paging). */
  seen(tenantId: string, wamid: string): string {
    return this.#key('seen', checkSegment(tenantId), checkSegment(wamid));
  }

  /** Token bucket of one business number (its messages-per-second limit). */
  throughput(phoneNumberId: string): string {
    return this.#key('throughput', `{${checkSegment(phoneNumberId)}}`);
  }

  #key(...parts: string[]): string {
    return [this.#prefix, 'wa', ...parts].join(':');
  }
}

function contactTag(tenantId: string, contactId: string): string {
  return `{${checkSegment(tenantId)}|${checkSegment(contactId)}}`;
}

function checkSegment(segment: string): string {
  if (segment.length === 0 || /[:{}|]/.test(segment)) {
    throw new WakalaError(
      'whatsapp.key_segment',
      'A Redis key segment was empty or contained ":", "{", "}" or "|"; the caller passed an id that is not safe as a key part.',
    );
  }
  return segment;
}
