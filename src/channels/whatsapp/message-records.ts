import { Prisma } from '../../generated/tenant/client.ts';
import { WakalaError } from '../../shared/index.ts';
import { currentTenant, tenantDb } from '../../tenancy/tenant-context.ts';
import type { OutboundPayload } from './graph-client.ts';
import type { WebhookStatus } from './webhook-payload.ts';

// The three writes every message makes (window, queued row, sent) are raw
// SQL: through Prisma's query builder each cost 0.6-1.3 ms of CPU, about a
// fifth of the channel's share of a message, against 0.2-0.3 ms raw
// (bench/whatsapp/README.md). The rest stays on Prisma's typed API.

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
  if (messages.length === 0) return;
  const rows = messages.map(
    (m) =>
      Prisma.sql`(${m.id}, ${m.phoneNumberId}, ${m.contactId}, ${
        m.turnId ?? null
      }, ${m.payload.type === 'interactive' ? 'interactive' : 'text'}, ${JSON.stringify(
        m.payload,
      )}::jsonb)`,
  );
  await tenantDb().$executeRaw`
    INSERT INTO ${table('whatsapp_outbound_messages')}
      (id, phone_number_id, contact_id, turn_id, kind, payload)
    VALUES ${Prisma.join(rows)}
    ON CONFLICT DO NOTHING`;
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
  await tenantDb().$executeRaw`
    UPDATE ${table('whatsapp_outbound_messages')}
    SET wamid = ${wamid}, status = 'sent', is_template = ${isTemplate},
        kind = COALESCE(${isTemplate ? 'template' : null}::text, kind),
        sent_at = now(), updated_at = now(), attempts = attempts + 1
    WHERE id = ${id}`;
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
  // One statement that only ever moves the time forward: a message
  // delivered late must not shorten the window a later one opened.
  await tenantDb().$executeRaw`
    INSERT INTO ${table('whatsapp_contact_windows')} AS w
      (contact_id, last_inbound_at)
    VALUES (${contactId}, ${new Date(at)})
    ON CONFLICT (contact_id) DO UPDATE
    SET last_inbound_at = GREATEST(w.last_inbound_at, EXCLUDED.last_inbound_at)`;
}

/** Latest inbound time of a contact in epoch ms, or null if it never wrote. */
export async function lastInboundAt(contactId: string): Promise<number | null> {
  const row = await tenantDb().whatsappContactWindow.findUnique({
    where: { contactId },
  });
  return row ? row.lastInboundAt.getTime() : null;
}

/**
 * A table of the current tenant's schema, quoted for raw SQL: the adapter
 * qualifies only the queries Prisma builds, so raw ones name the schema
 * themselves. The name comes from the control plane, whose CHECK allows
 * only `tenant_` and lower-case letters and digits; it is checked again
 * because it is spliced into the statement.
 */
function table(name: string): Prisma.Sql {
  const schema = currentTenant().schemaName;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new WakalaError(
      'whatsapp.schema_name',
      `Tenant ${currentTenant().id} has a schema name that is not a plain identifier; check control.tenants.`,
    );
  }
  return Prisma.raw(`"${schema}".${name}`);
}
