import { AsyncLocalStorage } from 'node:async_hooks';
import { WakalaError } from '../shared/errors.ts';
import { withLogFields } from '../shared/logger.ts';
import type { Language } from '../i18n/languages.ts';
import type { PrismaClient as TenantPrismaClient } from '../generated/tenant/client.ts';

export type Tier = 'basic' | 'premium' | 'enterprise';

/** A tenant as the rest of the system sees it once it has been resolved. */
export interface ResolvedTenant {
  id: string;
  slug: string;
  name: string;
  tier: Tier;
  status: 'provisioning' | 'active' | 'moving' | 'suspended';
  shardId: string;
  schemaName: string;
  defaultLanguage: Language;
  sessionTtlSeconds: number;
  settings: Record<string, unknown>;
}

/** The Prisma client of one tenant's schema. */
export type TenantDb = TenantPrismaClient;

interface TenantScope {
  tenant: ResolvedTenant;
  db: TenantDb;
}

const scopes = new AsyncLocalStorage<TenantScope>();

/**
 * Runs `fn` as `tenant`, with `db` as the only way to its data. Kept out of
 * the folder's index on purpose: only the shard registry, which builds `db`
 * for the tenant's own schema, may open a scope (see `withTenant`).
 */
export function openTenantScope<T>(
  tenant: ResolvedTenant,
  db: TenantDb,
  fn: () => Promise<T>,
): Promise<T> {
  return scopes.run({ tenant, db }, () =>
    withLogFields({ tenantId: tenant.id }, fn),
  );
}

/** The tenant whose work is running; throws outside a tenant scope. */
export function currentTenant(): ResolvedTenant {
  return requireScope().tenant;
}

/** The tenant's database client; throws outside a tenant scope. */
export function tenantDb(): TenantDb {
  return requireScope().db;
}

/** True inside a tenant scope. */
export function hasTenantScope(): boolean {
  return scopes.getStore() !== undefined;
}

function requireScope(): TenantScope {
  const scope = scopes.getStore();
  if (!scope) {
    throw new WakalaError(
      'tenancy.no_context',
      'Tenant data was asked for outside a tenant scope; resolve the tenant and run the work inside withTenant().',
    );
  }
  return scope;
}
