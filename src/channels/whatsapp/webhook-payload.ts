import { z } from 'zod';
import type { Contact, FlowEvent } from '../../engine/inbound-event.ts';
import { normalisePhone, InputError } from '../../shared/index.ts';

// Only the fields Wakala reads are described; everything else Meta sends is
// let through untouched (loose objects), because new fields appear often.
const messageSchema = z.looseObject({
  id: z.string().min(1),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  timestamp: z.string().regex(/^[0-9]+$/),
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string() }).optional(),
    })
    .optional(),
  button: z.looseObject({ text: z.string().optional() }).optional(),
  location: z
    .looseObject({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  image: z
    .looseObject({
      id: z.string(),
      mime_type: z.string().optional(),
      caption: z.string().optional(),
    })
    .optional(),
});

const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed', 'played']),
  timestamp: z.string().regex(/^[0-9]+$/),
  errors: z
    .array(z.looseObject({ code: z.number(), title: z.string().optional() }))
    .optional(),
});

const valueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: z.string().min(1) }),
  contacts: z
    .array(
      z.looseObject({
        wa_id: z.string().optional(),
        user_id: z.string().optional(),
        profile: z.looseObject({ name: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
  errors: z.array(z.looseObject({ code: z.number() })).optional(),
});

const payloadSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({ field: z.string(), value: z.unknown() }),
      ),
    }),
  ),
});

/** One inbound message, already turned into a flow event. */
export interface WebhookMessage {
  kind: 'message';
  phoneNumberId: string;
  wamid: string;
  contact: Contact;
  /** Meta's timestamp in epoch milliseconds (seconds precision). */
  sentAt: number;
  event: FlowEvent;
  /** Meta's message type, kept for logs and metrics. */
  type: string;
}

/** A delivery status of a message we sent. */
export interface WebhookStatus {
  kind: 'status';
  phoneNumberId: string;
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played';
  occurredAt: number;
  errorCode?: number;
  errorTitle?: string;
}

/** An app or system error Meta reports outside any message. */
export interface WebhookError {
  kind: 'error';
  phoneNumberId: string;
  code: number;
}

export type WebhookItem = WebhookMessage | WebhookStatus | WebhookError;

/**
 * Flattens a webhook payload into its items: every entry, every change,
 * every message, status and error (Meta batches, so index 0 is never
 * enough). Changes for fields other than `messages` are skipped; a payload
 * that is not a WhatsApp business account notification is refused.
 */
export function parseWebhookPayload(json: unknown): WebhookItem[] {
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      'whatsapp.payload_invalid',
      'A webhook payload is not a whatsapp_business_account notification with entries and changes.',
    );
  }
  const items: WebhookItem[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = valueSchema.safeParse(change.value);
      if (!value.success) {
        throw new InputError(
          'whatsapp.payload_invalid',
          'A messages change in a webhook payload lacks metadata.phone_number_id or has malformed messages or statuses.',
        );
      }
      items.push(...itemsOfValue(value.data));
    }
  }
  return items;
}

type Value = z.infer<typeof valueSchema>;
type Message = z.infer<typeof messageSchema>;

function itemsOfValue(value: Value): WebhookItem[] {
  const phoneNumberId = value.metadata.phone_number_id;
  const items: WebhookItem[] = [];
  for (const message of value.messages ?? []) {
    const event = toFlowEvent(message);
    if (!event) continue;
    items.push({
      kind: 'message',
      phoneNumberId,
      wamid: message.id,
      contact: contactOf(message, value.contacts ?? []),
      sentAt: Number(message.timestamp) * 1000,
      event,
      type: message.type,
    });
  }
  for (const status of value.statuses ?? []) {
    const error = status.errors?.[0];
    items.push({
      kind: 'status',
      phoneNumberId,
      wamid: status.id,
      status: status.status,
      occurredAt: Number(status.timestamp) * 1000,
      ...(error ? { errorCode: error.code } : {}),
      ...(error?.title ? { errorTitle: error.title } : {}),
    });
  }
  for (const error of value.errors ?? []) {
    items.push({ kind: 'error', phoneNumberId, code: error.code });
  }
  return items;
}

/**
 * Keys the contact by E.164 phone where Meta gives one, else by the
 * business-scoped user id (users with WhatsApp usernames may hide their
 * number, PROTOCOLS.md 1.4).
 */
function contactOf(
  message: Message,
  contacts: Value['contacts'] & object,
): Contact {
  const profile =
    contacts.find(
      (c) =>
        (message.from !== undefined && c.wa_id === message.from) ||
        (message.from_user_id !== undefined &&
          c.user_id === message.from_user_id),
    ) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const profileName = profile?.profile?.name;
  const named = profileName ? { profileName } : {};
  if (message.from) {
    const phone = normalisePhone(message.from, 'from');
    return { id: phone, phone, ...named };
  }
  const userId = message.from_user_id ?? profile?.user_id;
  if (!userId) {
    throw new InputError(
      'whatsapp.contact_missing',
      'A webhook message has neither a phone number nor a business-scoped user id.',
    );
  }
  return { id: userId, ...named };
}

/** Maps a message to a flow event; `undefined` for ones to ignore quietly. */
function toFlowEvent(message: Message): FlowEvent | undefined {
  switch (message.type) {
    case 'text':
      return message.text
        ? { type: 'user.text', text: message.text.body }
        : undefined;
    case 'interactive': {
      const reply =
        message.interactive?.button_reply ?? message.interactive?.list_reply;
      return reply
        ? { type: 'user.choice', optionId: reply.id }
        : { type: 'user.unsupported', what: 'interactive' };
    }
    case 'button':
      // A quick-reply button of a template: its text is what the person saw.
      return { type: 'user.text', text: message.button?.text ?? '' };
    case 'location':
      return message.location ? locationEvent(message.location) : undefined;
    case 'image':
      return message.image
        ? {
            type: 'user.media',
            mediaId: message.image.id,
            ...(message.image.mime_type
              ? { mimeType: message.image.mime_type }
              : {}),
            ...(message.image.caption
              ? { caption: message.image.caption }
              : {}),
          }
        : undefined;
    case 'reaction':
      // An emoji on one of our messages asks for nothing; answering it
      // with "I can only read text" would be rude.
      return undefined;
    default:
      return { type: 'user.unsupported', what: message.type };
  }
}

function locationEvent(location: NonNullable<Message['location']>): FlowEvent {
  return {
    type: 'user.location',
    latitude: location.latitude,
    longitude: location.longitude,
    ...(location.name ? { name: location.name } : {}),
    ...(location.address ? { address: location.address } : {}),
  };
}
