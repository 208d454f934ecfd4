import type pg from 'pg';
import {
  effectiveMessagesPerSecond,
  whatsappSettingsOf,
  type RateSource,
  type WhatsappTenantSettings,
} from '../../channels/whatsapp/index.ts';
import { InputError, NotFoundError } from '../../shared/index.ts';
import type { ControlPlane } from '../../tenancy/index.ts';

/** One change `wakala tenant whatsapp` asks for; absent fields stay. */
export interface WhatsappSettingsChange {
  /** A template for messages outside the 24-hour window; null removes it. */
  template?: { name: string; language: string } | null;
  isMarkAsRead?: boolean;
  /** The tenant's rate for numbers without their own; null: the default. */
  tenantMessagesPerSecond?: number | null;
  /** A change to one of the tenant's numbers. */
  number?: {
    phoneNumberId: string;
    /** The number's own rate; null falls back to the tenant's. */
    messagesPerSecond?: number | null;
    /** A new Cloud API access token, stored encrypted. */
    accessToken?: string;
  };
}

/** A business number as the command shows it. */
export interface NumberView {
  phoneNumberId: string;
  displayNumber: string;
  hasAccessToken: boolean;
  ownMessagesPerSecond: number | null;
  messagesPerSecond: number;
  rateSource: RateSource;
}

/** A tenant's WhatsApp settings as the command shows them. */
export interface WhatsappSettingsView {
  tenantId: string;
  slug: string;
  settings: WhatsappTenantSettings;
  numbers: NumberView[];
}

interface TenantRow {
  id: string;
  slug: string;
  settings: Record<string, unknown>;
}

interface NumberRow {
  phone_number_id: string;
  display_number: string;
  has_token: boolean;
  messages_per_second: number | null;
}

/** Reads a tenant's WhatsApp settings and numbers by slug. */
export async function readWhatsappSettings(
  cp: ControlPlane,
  slug: string,
): Promise<WhatsappSettingsView> {
  const tenant = await findTenant(cp.pool, slug, false);
  return viewOf(tenant, await listNumbers(cp.pool, tenant.id));
}

/**
 * Applies `change` in one transaction: the tenant row is locked while its
 * settings are merged, so two operators changing different settings at
 * once both keep their change. A number that is not the tenant's is
 * refused and nothing is written.
 */
export async function updateWhatsappSettings(
  cp: ControlPlane,
  slug: string,
  change: WhatsappSettingsChange,
): Promise<WhatsappSettingsView> {
  const client = await cp.pool.connect();
  try {
    await client.query('BEGIN');
    const tenant = await findTenant(client, slug, true);
    const settings = mergeSettings(tenant.settings, change);
    await client.query(
      `UPDATE control.tenants SET settings = $2::jsonb, updated_at = now()
        WHERE id = $1`,
      [tenant.id, JSON.stringify(settings)],
    );
    if (change.number) await updateNumber(cp, client, tenant, change.number);
    const numbers = await listNumbers(client, tenant.id);
    await client.query('COMMIT');
    return viewOf({ ...tenant, settings }, numbers);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The tenant's settings with `change` written into `settings.whatsapp`. */
function mergeSettings(
  current: Record<string, unknown>,
  change: WhatsappSettingsChange,
): Record<string, unknown> {
  const raw = current.whatsapp;
  const whatsapp: Record<string, unknown> =
    typeof raw === 'object' && raw !== null ? { ...raw } : {};
  if (change.template === null) delete whatsapp.template;
  if (change.template) whatsapp.template = change.template;
  if (change.isMarkAsRead !== undefined) {
    whatsapp.markAsRead = change.isMarkAsRead;
  }
  if (change.tenantMessagesPerSecond === null) {
    delete whatsapp.messagesPerSecond;
  }
  if (typeof change.tenantMessagesPerSecond === 'number') {
    whatsapp.messagesPerSecond = change.tenantMessagesPerSecond;
  }
  return { ...current, whatsapp };
}

async function updateNumber(
  cp: ControlPlane,
  client: pg.PoolClient,
  tenant: TenantRow,
  number: NonNullable<WhatsappSettingsChange['number']>,
): Promise<void> {
  const sealed =
    number.accessToken === undefined
      ? null
      : cp.secrets.encrypt(number.accessToken);
  const result = await client.query(
    `UPDATE control.whatsapp_numbers
        SET messages_per_second = CASE WHEN $3 THEN $4::integer
                                       ELSE messages_per_second END,
            access_token_encrypted = COALESCE($5, access_token_encrypted)
      WHERE phone_number_id = $1 AND tenant_id = $2`,
    [
      number.phoneNumberId,
      tenant.id,
      number.messagesPerSecond !== undefined,
      number.messagesPerSecond ?? null,
      sealed,
    ],
  );
  if (result.rowCount === 0) {
    throw new InputError(
      'whatsapp.number_not_of_tenant',
      `WhatsApp number ${number.phoneNumberId} is not one of ${tenant.slug}'s numbers; run wakala tenant whatsapp ${tenant.slug} to list them.`,
    );
  }
}

async function findTenant(
  db: pg.Pool | pg.PoolClient,
  slug: string,
  isForUpdate: boolean,
): Promise<TenantRow> {
  const { rows } = await db.query<TenantRow>(
    `SELECT id, slug, settings FROM control.tenants WHERE slug = $1
     ${isForUpdate ? 'FOR UPDATE' : ''}`,
    [slug],
  );
  const row = rows[0];
  if (!row) {
    throw new NotFoundError(
      'tenancy.tenant_not_found',
      `No tenant has the slug "${slug}"; run wakala tenant list to see them.`,
    );
  }
  return row;
}

async function listNumbers(
  db: pg.Pool | pg.PoolClient,
  tenantId: string,
): Promise<NumberRow[]> {
  const { rows } = await db.query<NumberRow>(
    `SELECT phone_number_id, display_number, messages_per_second,
            access_token_encrypted IS NOT NULL AS has_token
       FROM control.whatsapp_numbers WHERE tenant_id = $1
      ORDER BY display_number`,
    [tenantId],
  );
  return rows;
}

function viewOf(tenant: TenantRow, numbers: NumberRow[]): WhatsappSettingsView {
  const settings = whatsappSettingsOf({ settings: tenant.settings });
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    settings,
    numbers: numbers.map((row) => {
      const rate = effectiveMessagesPerSecond(
        row.messages_per_second,
        settings,
      );
      return {
        phoneNumberId: row.phone_number_id,
        displayNumber: row.display_number,
        hasAccessToken: row.has_token,
        ownMessagesPerSecond: row.messages_per_second,
        messagesPerSecond: rate.perSecond,
        rateSource: rate.source,
      };
    }),
  };
}
