/**
 * One thing that happened in a conversation, already freed of its channel's
 * format. Channel adapters build these; the turn runner feeds them to flows.
 * Event names are lowercase and dot-namespaced by source (STYLE.md).
 */
export type FlowEvent =
  /** A new session began (a USSD dial, a first message after expiry). */
  | { type: 'user.start' }
  | { type: 'user.text'; text: string }
  /** An option id from a menu the flow sent (typed digit, list reply, ...). */
  | { type: 'user.choice'; optionId: string }
  /**
   * The contact typed `menu` or `0` where no option answers to it: go back
   * to the main menu. Channels never build it; the turn runner does.
   */
  | { type: 'user.menu' }
  | {
      type: 'user.location';
      latitude: number;
      longitude: number;
      name?: string;
      address?: string;
    }
  | { type: 'user.media'; mediaId: string; mimeType?: string; caption?: string }
  /** Something the channel cannot turn into one of the above (a sticker). */
  | { type: 'user.unsupported'; what: string }
  /** Events from outside the conversation (payments, deliveries, vendors). */
  | { type: `system.${string}`; [field: string]: unknown };

export type Channel = 'whatsapp' | 'wweb' | 'ussd' | 'sim';

/** Who is on the other end of a conversation. */
export interface Contact {
  /**
   * Stable key of the contact within the tenant and channel: the E.164 phone
   * number where the channel gives one, else the channel's own user id
   * (a WhatsApp business-scoped user id, a whatsapp-web.js `@lid`).
   */
  id: string;
  /** E.164 number when known. Never logged in clear. */
  phone?: string;
  /** Name the channel reports (WhatsApp profile name), if any. */
  profileName?: string;
}

/** One inbound event with everything the turn runner needs to handle it. */
export interface InboundMessage {
  /**
   * Stable id for de-duplication: the WhatsApp wamid, a USSD
   * `sessionId` plus step number, a simulator counter.
   */
  id: string;
  tenantId: string;
  channel: Channel;
  contact: Contact;
  event: FlowEvent;
  /** Epoch milliseconds when the channel received it. */
  receivedAt: number;
}
