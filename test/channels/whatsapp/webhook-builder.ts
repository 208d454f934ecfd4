/** Builds webhook payloads shaped like Meta's (PROTOCOLS.md 1.4) for tests. */
export const DEMO_PHONE_NUMBER_ID = '100000000000001';

export interface MessageSpec {
  from?: string;
  fromUserId?: string;
  id: string;
  timestamp: number;
  type: string;
  [field: string]: unknown;
}

export function textMessage(
  id: string,
  from: string,
  body: string,
  timestamp: number,
): MessageSpec {
  return { id, from, timestamp, type: 'text', text: { body } };
}

export function listReply(
  id: string,
  from: string,
  rowId: string,
  timestamp: number,
): MessageSpec {
  return {
    id,
    from,
    timestamp,
    type: 'interactive',
    interactive: { type: 'list_reply', list_reply: { id: rowId, title: 'x' } },
  };
}

export function buttonReply(
  id: string,
  from: string,
  buttonId: string,
  timestamp: number,
): MessageSpec {
  return {
    id,
    from,
    timestamp,
    type: 'interactive',
    interactive: {
      type: 'button_reply',
      button_reply: { id: buttonId, title: 'x' },
    },
  };
}

/** A payload with one entry and one change holding the given messages and statuses. */
export function webhookPayload(options: {
  phoneNumberId?: string;
  messages?: MessageSpec[];
  statuses?: Array<Record<string, unknown>>;
}): Record<string, unknown> {
  const messages = (options.messages ?? []).map(
    ({ from, fromUserId, timestamp, ...rest }) => ({
      ...(from ? { from } : {}),
      ...(fromUserId ? { from_user_id: fromUserId } : {}),
      timestamp: String(timestamp),
      ...rest,
    }),
  );
  const contacts = (options.messages ?? []).map((m) => ({
    profile: { name: 'Thandi' },
    ...(m.from ? { wa_id: m.from } : {}),
    ...(m.fromUserId ? { user_id: m.fromUserId } : {}),
  }));
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '900000000000001',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: '27110000001',
                phone_number_id: options.phoneNumberId ?? DEMO_PHONE_NUMBER_ID,
              },
              ...(messages.length > 0 ? { contacts, messages } : {}),
              ...(options.statuses ? { statuses: options.statuses } : {}),
            },
          },
        ],
      },
    ],
  };
}

/** Serialises like Meta: non-ASCII escaped as \uXXXX. */
export function metaJson(payload: unknown): string {
  return JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
