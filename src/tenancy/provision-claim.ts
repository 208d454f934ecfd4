import type pg from 'pg';
import { ConflictError, WakalaError } from '../shared/errors.ts';
import type { ControlPlane } from './control-plane.ts';
import { withDatabaseName } from './control-plane.ts';
import type { ValidProvisionRequest } from './provision-request.ts';

/** Where a new tenant goes and what the claim step wrote. */
export interface Placement {
  tenantId: string;
  schemaName: string;
  shardId: string;
  /** Set for premium and enterprise: the database to create. */
  dedicatedDatabase?: string;
  /** True when this request created the shared USSD code row. */
  hasCreatedSharedCode: boolean;
}

/**
 * Refuses, with a message per case, a request whose slug or numbers are
 * already taken. The database's unique keys stay the final guard against a
 * race between two requests; `conflictFromPostgres` words those the same way.
 */
export async function checkConflicts(
  cp: ControlPlane,
  valid: ValidProvisionRequest,
): Promise<void> {
  const q = (sql: string, values: unknown[]) =>
    cp.pool.query(sql, values).then((result) => (result.rowCount ?? 0) > 0);
  if (await q('SELECT 1 FROM control.tenants WHERE slug = $1', [valid.slug])) {
    throw conflict('tenants_slug_key');
  }
  if (valid.whatsapp) {
    const { phoneNumberId, displayNumber } = valid.whatsapp;
    const byId =
      'SELECT 1 FROM control.whatsapp_numbers WHERE phone_number_id = $1';
    if (await q(byId, [phoneNumberId])) throw conflict('whatsapp_numbers_pkey');
    const byNumber =
      'SELECT 1 FROM control.whatsapp_numbers WHERE display_number = $1';
    if (await q(byNumber, [displayNumber])) {
      throw conflict('whatsapp_numbers_display_number_key');
    }
  }
  if (valid.ussdCode !== undefined) {
    const own = 'SELECT 1 FROM control.ussd_codes WHERE service_code = $1';
    if (await q(own, [valid.ussdCode])) throw conflict('ussd_codes_pkey');
    const shared =
      'SELECT 1 FROM control.shared_ussd_codes WHERE service_code = $1';
    if (await q(shared, [valid.ussdCode]))
      throw conflict('ussd_code_is_shared');
  }
  if (valid.store) {
    const { sharedUssdCode, storeCode } = valid.store;
    const own = 'SELECT 1 FROM control.ussd_codes WHERE service_code = $1';
    if (await q(own, [sharedUssdCode])) throw conflict('shared_code_is_owned');
    const taken =
      'SELECT 1 FROM control.store_codes WHERE service_code = $1 AND store_code = $2';
    if (await q(taken, [sharedUssdCode, storeCode])) {
      throw conflict('store_codes_pkey');
    }
  }
}

const CONFLICTS: Record<string, [code: string, message: string]> = {
  tenants_slug_key: [
    'tenant.slug_taken',
    'That slug is already used by another tenant; choose another with --slug.',
  ],
  whatsapp_numbers_pkey: [
    'tenant.whatsapp_id_taken',
    'That WhatsApp phone_number_id is already owned by another tenant.',
  ],
  whatsapp_numbers_display_number_key: [
    'tenant.whatsapp_number_taken',
    'That WhatsApp display number is already owned by another tenant.',
  ],
  ussd_codes_pkey: [
    'tenant.ussd_code_taken',
    'That USSD code is already owned by another tenant.',
  ],
  ussd_code_is_shared: [
    'tenant.ussd_code_taken',
    'That USSD code is a platform-shared code; give the tenant a store code on it instead.',
  ],
  shared_code_is_owned: [
    'tenant.ussd_code_taken',
    'That shared USSD code is already owned by a single tenant and cannot carry store codes.',
  ],
  store_codes_pkey: [
    'tenant.store_code_taken',
    'That store code is already used on this shared USSD code by another tenant.',
  ],
};

function conflict(key: string): ConflictError {
  const [code, message] = CONFLICTS[key] ?? [
    'tenant.conflict',
    'The request conflicts with an existing tenant.',
  ];
  return new ConflictError(code, message);
}

/** A unique-key violation from the claim, worded as the pre-check would. */
export function conflictFromPostgres(
  error: unknown,
): ConflictError | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (code !== '23505' || constraint === undefined) return undefined;
  return conflict(constraint);
}

/**
 * Writes the tenant row (status `provisioning`), its numbers and, for a
 * dedicated tier, its shard row, in one transaction: once it commits, the
 * slug, numbers and request key are claimed by this request.
 */
export async function claimTenant(
  cp: ControlPlane,
  valid: ValidProvisionRequest,
  tenantId: string,
): Promise<Placement> {
  const client = await cp.pool.connect();
  try {
    await client.query('BEGIN');
    const placement = await placeTenant(cp, client, valid, tenantId);
    await client.query(
      `INSERT INTO control.tenants
         (id, slug, name, tier, status, shard_id, schema_name, owner_phone,
          default_language, request_key)
       VALUES ($1, $2, $3, $4, 'provisioning', $5, $6, $7, $8, $9)`,
      [
        tenantId,
        valid.slug,
        valid.name,
        valid.tier,
        placement.shardId,
        placement.schemaName,
        valid.ownerPhone,
        valid.defaultLanguage,
        valid.requestKey,
      ],
    );
    placement.hasCreatedSharedCode = await insertNumbers(
      cp,
      client,
      valid,
      tenantId,
    );
    await client.query('COMMIT');
    return placement;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function placeTenant(
  cp: ControlPlane,
  client: pg.PoolClient,
  valid: ValidProvisionRequest,
  tenantId: string,
): Promise<Placement> {
  const schemaName = `tenant_${tenantId}`;
  if (valid.tier === 'basic') {
    const { rows } = await client.query<{ id: string }>(
      `SELECT s.id FROM control.shards s
         LEFT JOIN control.tenants t ON t.shard_id = s.id
        WHERE s.kind = 'shared' AND s.is_accepting
        GROUP BY s.id, s.name
        ORDER BY count(t.id), s.name
        LIMIT 1`,
    );
    const shard = rows[0];
    if (!shard) {
      throw new WakalaError(
        'tenancy.no_shared_shard',
        'No shared shard accepts new tenants; add one or set is_accepting on an existing shard.',
      );
    }
    return {
      tenantId,
      schemaName,
      shardId: shard.id,
      hasCreatedSharedCode: false,
    };
  }
  const database = `${cp.controlDatabaseName}_t_${tenantId}`;
  if (database.length > 63) {
    throw new WakalaError(
      'tenancy.database_name_too_long',
      `The dedicated database name for tenant ${tenantId} would exceed 63 characters; use a shorter control database name.`,
    );
  }
  const shardId = `dedicated-${tenantId}`;
  const url = withDatabaseName(cp.dedicatedServerUrl, database);
  await client.query(
    `INSERT INTO control.shards (id, name, kind, url_encrypted, database_name, is_accepting)
     VALUES ($1, $1, 'dedicated', $2, $3, false)`,
    [shardId, cp.secrets.encrypt(url), database],
  );
  return {
    tenantId,
    schemaName,
    shardId,
    dedicatedDatabase: database,
    hasCreatedSharedCode: false,
  };
}

async function insertNumbers(
  cp: ControlPlane,
  client: pg.PoolClient,
  valid: ValidProvisionRequest,
  tenantId: string,
): Promise<boolean> {
  if (valid.whatsapp) {
    const { phoneNumberId, displayNumber, accessToken } = valid.whatsapp;
    await client.query(
      `INSERT INTO control.whatsapp_numbers
         (phone_number_id, tenant_id, display_number, access_token_encrypted)
       VALUES ($1, $2, $3, $4)`,
      [
        phoneNumberId,
        tenantId,
        displayNumber,
        accessToken === undefined ? null : cp.secrets.encrypt(accessToken),
      ],
    );
  }
  if (valid.ussdCode !== undefined) {
    await client.query(
      'INSERT INTO control.ussd_codes (service_code, tenant_id) VALUES ($1, $2)',
      [valid.ussdCode, tenantId],
    );
  }
  if (!valid.store) return false;
  const created = await client.query(
    `INSERT INTO control.shared_ussd_codes (service_code) VALUES ($1)
     ON CONFLICT DO NOTHING`,
    [valid.store.sharedUssdCode],
  );
  await client.query(
    `INSERT INTO control.store_codes (service_code, store_code, tenant_id)
     VALUES ($1, $2, $3)`,
    [valid.store.sharedUssdCode, valid.store.storeCode, tenantId],
  );
  return (created.rowCount ?? 0) > 0;
}
