import type { InboundMessage } from '../../engine/inbound-event.ts';
import type { Reply } from '../../flows/reply.ts';
import type { Language } from '../../i18n/index.ts';
import type { ResolvedTenant } from '../../tenancy/tenant-context.ts';
import type { MediaFile } from './graph-client.ts';

// What the WhatsApp channel needs from the rest of Wakala, as small
// structural types: the engine, tenancy and app pass their real objects in.

/** What the webhook route queues: the raw body, as Meta sent it. */
export interface InboundJobData {
  body: string;
}

/** The part of the engine's turn runner this channel uses. */
export interface WhatsappTurnRunner {
  handle(
    message: InboundMessage,
    options?: { budgetMs?: number },
  ): Promise<{
    status: string;
    replies: Reply[];
    language: Language;
    turnId: string;
  }>;
}

/** The part of the tenant resolver this channel uses. */
export interface WhatsappTenantResolver {
  byWhatsappPhoneNumberId(
    phoneNumberId: string,
  ): Promise<{ kind: string; tenant?: ResolvedTenant }>;
}

/** Keeps a downloaded image; media ids die after 7 days, URLs after 5 minutes. */
export type MediaStore = (
  tenantId: string,
  mediaId: string,
  file: MediaFile,
) => Promise<void>;

/** What the inbound side hands to the outbound side after a turn. */
export type ReplySink = (input: {
  tenantId: string;
  phoneNumberId: string;
  contactId: string;
  language: Language;
  replies: Reply[];
  turnId: string;
}) => Promise<void>;
