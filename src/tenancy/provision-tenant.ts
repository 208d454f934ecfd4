import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ConflictError, WakalaError } from '../shared/errors.ts';
import { createApiKey } from './api-keys.ts';
import type { ControlPlane } from './control-plane.ts';
import { migrateTenantSchema } from './migration-runner.ts';
import {
  checkConflicts,
  claimTenant,
  conflictFromPostgres,
  type Placement,
} from './provision-claim.ts';
import {
  validateProvisionRequest,
  type ProvisionRequest,
  type ValidProvisionRequest,
} from './provision-request.ts';
import type { ShardInfo } from './shard-registry.ts';
import type { ResolvedTenant } from './tenant-context.ts';
import { toResolvedTenant } from './tenant-directory.ts';
import type { MappingRef, ResolutionInvalidator } from './tenant-resolver.ts';
import { seedTenant } from './tenant-seed.ts';

/** The steps of provisioning, in order; `failAfterStep` names one. */
export type ProvisionStep =
  'claim' | 'database' | 'schema' | 'migrate' | 'seed' | 'activate';

/** Options of `provisionTenant`. */
export interface ProvisionOptions {
  /** Test hook: fail right after this step, to prove the clean-up. */
  failAfterStep?: ProvisionStep;
  /** Drops cached "unknown number" answers for the new numbers. */
  invalidator?: ResolutionInvalidator;
  /** Tenant id source; tests may fix it. */
  newTenantId?: () => string;
}

/** What provisioning hands back; the API key is shown this once. */
export interface ProvisionResult {
  tenant: ResolvedTenant;
  /** The plain key of a new tenant; null when an earlier request made it. */
  apiKey: string | null;
  webhookUrls: { whatsapp: string; ussd: string };
  shard: ShardInfo;
  /** False when the same request key had already created this tenant. */
  isNew: boolean;
}

/**
 * Creates a tenant end to end: placement (basic on the least-loaded shared
 * shard, premium and enterprise in a new database), schema, migrations,
 * seed data, API key, then status `active`. The same request key returns
 * the tenant made before (without a new key). A failure at any step removes
 * everything made so far before the error is thrown.
 */
export async function provisionTenant(
  cp: ControlPlane,
  request: ProvisionRequest,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const valid = validateProvisionRequest(request);
  await cp.ensureSharedShard();
  const earlier = await findEarlier(cp, valid.requestKey);
  if (earlier) return earlier;
  await checkConflicts(cp, valid);
  const tenantId = options.newTenantId?.() ?? randomBytes(6).toString('hex');
  let placement: Placement;
  try {
    placement = await claimTenant(cp, valid, tenantId);
  } catch (error) {
    const { constraint } = error as { constraint?: string };
    if (constraint === 'tenants_request_key_key') {
      // The same request is being handled right now by another process.
      const again = await findEarlier(cp, valid.requestKey);
      if (again) return again;
    }
    throw conflictFromPostgres(error) ?? error;
  }
  const log = cp.logger.child({ module: 'provisioning', tenantId });
  const failAfter = (step: ProvisionStep): void => {
    if (options.failAfterStep === step) {
      throw new WakalaError(
        'tenant.provision_injected_failure',
        `Provisioning of tenant ${tenantId} was stopped after step ${step} on purpose (test hook).`,
      );
    }
  };
  try {
    failAfter('claim');
    const apiKey = await buildTenant(cp, valid, placement, failAfter);
    log.info(
      { tier: valid.tier, shardId: placement.shardId },
      'tenant provisioned',
    );
    await invalidate(options.invalidator, valid, tenantId);
    const result = await resultFor(cp, tenantId, apiKey, true);
    return result;
  } catch (error) {
    await undoProvisioning(cp, placement).catch((cleanupError: unknown) => {
      log.error({ err: cleanupError }, 'provisioning clean-up failed');
    });
    if (error instanceof WakalaError) throw error;
    throw new WakalaError(
      'tenant.provision_failed',
      `Provisioning of tenant ${tenantId} failed and everything it made was removed; check the cause and try again.`,
      { cause: error },
    );
  }
}

async function buildTenant(
  cp: ControlPlane,
  valid: ValidProvisionRequest,
  placement: Placement,
  failAfter: (step: ProvisionStep) => void,
): Promise<string> {
  if (placement.dedicatedDatabase !== undefined) {
    await adminQuery(cp, `CREATE DATABASE "${placement.dedicatedDatabase}"`);
  }
  failAfter('database');
  const pool = await cp.shards.poolFor(placement.shardId);
  await pool.query(`CREATE SCHEMA "${placement.schemaName}"`);
  failAfter('schema');
  await migrateTenantSchema(pool, placement.schemaName, {
    tenant: { id: placement.tenantId, slug: valid.slug },
  });
  failAfter('migrate');
  const db = await cp.shards.clientFor(placement);
  await seedTenant(db, valid);
  failAfter('seed');
  const client = await cp.pool.connect();
  try {
    await client.query('BEGIN');
    const key = await createApiKey(cp, placement.tenantId, 'default', {
      client,
    });
    await client.query(
      `UPDATE control.tenants SET status = 'active', updated_at = now() WHERE id = $1`,
      [placement.tenantId],
    );
    failAfter('activate');
    await client.query('COMMIT');
    return key.key;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Removes what a failed provisioning made, newest first. Known shortcoming:
 * if the schema or database itself cannot be dropped (shard unreachable),
 * the clean-up stops there and leaves the tenant row in `provisioning`, so
 * an operator sees it in `wakala tenant list`; nothing retries it later.
 */
async function undoProvisioning(
  cp: ControlPlane,
  placement: Placement,
): Promise<void> {
  const { tenantId, shardId, schemaName, dedicatedDatabase } = placement;
  if (dedicatedDatabase === undefined) {
    await cp.shards.forgetClient(placement);
    const pool = await cp.shards.poolFor(shardId);
    await pool.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`);
  } else {
    await cp.shards.release(shardId);
    await adminQuery(
      cp,
      `DROP DATABASE IF EXISTS "${dedicatedDatabase}" WITH (FORCE)`,
    );
  }
  // Numbers and API keys go with the tenant row (ON DELETE CASCADE).
  await cp.pool.query('DELETE FROM control.tenants WHERE id = $1', [tenantId]);
  if (dedicatedDatabase !== undefined) {
    await cp.pool.query('DELETE FROM control.shards WHERE id = $1', [shardId]);
  }
  if (placement.hasCreatedSharedCode) {
    await cp.pool.query(
      `DELETE FROM control.shared_ussd_codes s
        WHERE NOT EXISTS (SELECT 1 FROM control.store_codes c
                           WHERE c.service_code = s.service_code)`,
    );
  }
}

async function findEarlier(
  cp: ControlPlane,
  requestKey: string,
): Promise<ProvisionResult | undefined> {
  const row = await cp.db.tenant.findUnique({ where: { requestKey } });
  if (!row) return undefined;
  if (row.status === 'provisioning') {
    throw new ConflictError(
      'tenant.provisioning_in_progress',
      `Tenant ${row.id} is being provisioned by an earlier request with the same request key; try again in a moment.`,
    );
  }
  return resultFor(cp, row.id, null, false);
}

async function resultFor(
  cp: ControlPlane,
  tenantId: string,
  apiKey: string | null,
  isNew: boolean,
): Promise<ProvisionResult> {
  const row = await cp.db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  return {
    tenant: toResolvedTenant(row),
    apiKey,
    webhookUrls: {
      whatsapp: `${cp.publicUrl}/webhooks/whatsapp`,
      ussd: `${cp.publicUrl}/ussd`,
    },
    shard: await cp.shards.shard(row.shardId),
    isNew,
  };
}

async function invalidate(
  invalidator: ResolutionInvalidator | undefined,
  valid: ValidProvisionRequest,
  tenantId: string,
): Promise<void> {
  if (!invalidator) return;
  const mappings: MappingRef[] = [];
  if (valid.whatsapp) {
    mappings.push({ whatsappPhoneNumberId: valid.whatsapp.phoneNumberId });
    mappings.push({ displayNumber: valid.whatsapp.displayNumber });
  }
  if (valid.ussdCode !== undefined) mappings.push({ ussdCode: valid.ussdCode });
  if (valid.store) {
    mappings.push({
      sharedServiceCode: valid.store.sharedUssdCode,
      storeCode: valid.store.storeCode,
    });
  }
  await invalidator.invalidateMappings(mappings);
  await invalidator.invalidateTenant(tenantId);
}

/** Runs a statement that cannot run in a transaction on the dedicated server. */
async function adminQuery(cp: ControlPlane, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: cp.dedicatedServerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
