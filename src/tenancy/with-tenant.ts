import type pg from 'pg';
import { NotFoundError, WakalaError } from '../shared/errors.ts';
import type { ControlPlane } from './control-plane.ts';
import {
  openTenantScope,
  type ResolvedTenant,
  type TenantDb,
} from './tenant-context.ts';
import { getTenantById, toResolvedTenant } from './tenant-directory.ts';

/**
 * Runs `fn` as `tenant`: inside it `currentTenant()` and `tenantDb()` answer
 * for this tenant only and every log line names it. The tenant's client is
 * also passed to `fn` for convenience. A suspended tenant, one still being
 * provisioned, or one being moved (retryable) is refused.
 */
export async function withTenant<T>(
  cp: ControlPlane,
  tenant: ResolvedTenant,
  fn: (db: TenantDb, tenant: ResolvedTenant) => Promise<T>,
): Promise<T> {
  assertServable(tenant);
  const db = await cp.shards.clientFor(tenant);
  return openTenantScope(tenant, db, () => fn(db, tenant));
}

/**
 * Loads the tenant by id from the control plane (fresh, not cached) and
 * runs `fn` inside its scope as `withTenant` does.
 */
export async function withTenantId<T>(
  cp: ControlPlane,
  tenantId: string,
  fn: (db: TenantDb, tenant: ResolvedTenant) => Promise<T>,
): Promise<T> {
  const row = await getTenantById(cp, tenantId);
  if (!row) {
    throw new NotFoundError(
      'tenancy.tenant_not_found',
      `Tenant ${tenantId} does not exist; check the id or run wakala tenant list.`,
    );
  }
  return withTenant(cp, toResolvedTenant(row), fn);
}

function assertServable(tenant: ResolvedTenant): void {
  switch (tenant.status) {
    case 'active':
      return;
    case 'moving':
      throw new WakalaError(
        'tenancy.moving',
        `Tenant ${tenant.id} is being moved to another database; try again in a few seconds.`,
        { httpStatus: 503, isRetryable: true },
      );
    case 'suspended':
      throw new WakalaError(
        'tenancy.suspended',
        `Tenant ${tenant.id} is suspended; a platform admin must reactivate it before it can be served.`,
        { httpStatus: 403 },
      );
    case 'provisioning':
      throw new WakalaError(
        'tenancy.provisioning',
        `Tenant ${tenant.id} is still being provisioned; try again when wakala tenant create has finished.`,
        { httpStatus: 503, isRetryable: true },
      );
  }
}

/**
 * Runs `fn` with a control-database connection that row-level security
 * confines to one tenant: inside one transaction it switches to the
 * `wakala_tenant` role and sets `wakala.tenant_id`, so even a query without
 * a tenant filter sees only this tenant's control rows (the second wall).
 */
export async function withControlPlaneRls<T>(
  cp: ControlPlane,
  tenantId: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await cp.pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL ROLE wakala_tenant');
      await client.query(`SELECT set_config('wakala.tenant_id', $1, true)`, [
        tenantId,
      ]);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
