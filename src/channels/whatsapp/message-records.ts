import type { Prisma } from '../../generated/tenant/client.ts';
import { tenantDb } from '../../tenancy/tenant-context.ts';
import type { OutboundPayload } from './graph-client.ts';
import type { WebhookStatus } from './webhook-payload.ts';

// Later statuses win; `failed` wins over everything since Meta sends it
// after `sent` when delivery finally fails. Webhooks arrive out of order
// (PROTOCOLS.md 1.3), so a `delivered` after `read` must not step back.
const STATUS_RANK: Record<string, number> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  played: 4,
  failed: 5,
};

export interface NewOutboundMessage {
  id: string;
  phoneNumberId: string;
  contactId: string;
  turnId?: string;
  payload: OutboundPayload;
}

/** Stores messages about to be queued; an id already stored is left as it is. */
export async function recordQueuedMessages(
  messages: readonly NewOutboundMessage[],
): Promise<void> {
  await tenantDb().whatsappOutboundMessage.createMany({
    data: messages.map((m) => ({
      id: m.id,
      phoneNumberId: m.phoneNumberId,
      contactId: m.contactId,
      turnId: m.turnId ?? null,
      kind: m.payload.type === 'interactive' ? 'interactive' : 'text',
      payload: m.payload as Prisma.InputJsonObject,
    })),
    skipDuplicates: true,
  });
}

/** The stored outbound message, or null when it was never recorded. */
export function findOutboundMessage(id: string) {
  return tenantDb().whatsappOutboundMessage.findUnique({ where: { id } });
}

/**
 * Records Meta's message id the moment the send succeeded: this row is what
 * makes a retried job skip the send instead of sending twice.
 */
export async function recordSent(
  id: string,
  wamid: string,
  isTemplate: boolean,
): Promise<void> {
  await tenantDb().whatsappOutboundMessage.update({
    where: { id },
    data: {
      wamid,
      status: 'sent',
      isTemplate,
      kind: isTemplate ? 'template' : undefined,
      sentAt: new Date(),
      updatedAt: new Date(),
      attempts: { increment: 1 },
    },
  });
}

/** Records a send that will not be tried again, with Meta's code. */
export async function recordFailed(
  id: string,
  errorCode: number | undefined,
  errorTitle: string,
): Promise<void> {
  await tenantDb().whatsappOutboundMessage.update({
    where: { id },
    data: {
      status: 'failed',
      errorCode: errorCode ?? null,
      errorTitle,
      updatedAt: new Date(),
      attempts: { increment: 1 },
    },
  });
}

/** Counts a failed attempt that will be retried. */
export async function recordAttempt(
  id: string,
  errorCode: number | undefined,
): Promise<void> {
  await tenantDb().whatsappOutboundMessage.update({
    where: { id },
    data: {
      attempts: { increment: 1 },
      errorCode: errorCode ?? null,
      updatedAt: new Date(),
    },
  });
}

/**
 * Records one status webhook: kept once per (wamid, status) in the history,
 * and moves the outbound message forward, never back.
 */
export async function recordStatus(status: WebhookStatus): Promise<void> {
  const db = tenantDb();
  await db.whatsappMessageStatus.createMany({
    data: [
      {
        wamid: status.wamid,
        status: status.status,
        occurredAt: new Date(status.occurredAt),
        errorCode: status.errorCode ?? null,
        errorTitle: status.errorTitle ?? null,
      },
    ],
    skipDuplicates: true,
  });
  const message = await db.whatsappOutboundMessage.findUnique({
    where: { wamid: status.wamid },
  });
  if (!message) return;
  if ((STATUS_RANK[status.status] ?? 0) <= (STATUS_RANK[message.status] ?? 0))
    return;
  await db.whatsappOutboundMessage.updateMany({
    where: { wamid: status.wamid, status: message.status },
    data: {
      status: status.status,
      updatedAt: new Date(),
      ...(status.status === 'failed'
        ? {
            errorCode: status.errorCode ?? null,
            errorTitle: status.errorTitle ?? null,
          }
        : {}),
    },
  });
}

/** Remembers the latest inbound time of a contact (opens the 24-hour window). */
export async function recordInbound(
  contactId: string,
  at: number,
): Promise<void> {
  const when = new Date(at);
  const db = tenantDb();
  // Raw SQL would not be schema-qualified by the adapter, so two small
  // Prisma calls: create if missing, then only ever move the time forward.
  await db.whatsappContactWindow.createMany({
    data: [{ contactId, lastInboundAt: when }],
    skipDuplicates: true,
  });
  await db.whatsappContactWindow.updateMany({
    where: { contactId, lastInboundAt: { lt: when } },
    data: { lastInboundAt: when },
  });
}

/** Latest inbound time of a contact in epoch ms, or null if it never wrote. */
export async function lastInboundAt(contactId: string): Promise<number | null> {
  const row = await tenantDb().whatsappContactWindow.findUnique({
    where: { contactId },
  });
  return row ? row.lastInboundAt.getTime() : null;
}
