import type { Tenant as TenantRow } from '../generated/control/client.ts';
import { isLanguage } from '../i18n/index.ts';
import { WakalaError } from '../shared/errors.ts';
import type { ControlPlane } from './control-plane.ts';
import type { ResolvedTenant, Tier } from './tenant-context.ts';

export type { TenantRow };

/** The tiers a tenant can have, in upgrade order. */
export const TIERS: readonly Tier[] = ['basic', 'premium', 'enterprise'];

const STATUSES: readonly ResolvedTenant['status'][] = [
  'provisioning',
  'active',
  'moving',
  'suspended',
];

/** True when `value` is one of the tiers. */
export function isTier(value: unknown): value is Tier {
  return (
    typeof value === 'string' && (TIERS as readonly string[]).includes(value)
  );
}

/**
 * Turns a control.tenants row into the tenant the rest of the system sees.
 * The database's CHECK constraints guarantee the enumerations; a value
 * outside them means the row was written by something else, so it fails.
 */
export function toResolvedTenant(row: TenantRow): ResolvedTenant {
  const status = row.status as ResolvedTenant['status'];
  if (!isTier(row.tier) || !STATUSES.includes(status)) {
    throw new WakalaError(
      'tenancy.bad_row',
      `Tenant ${row.id} has tier or status outside the known values; check control.tenants.`,
    );
  }
  const settings =
    row.settings !== null &&
    typeof row.settings === 'object' &&
    !Array.isArray(row.settings)
      ? (row.settings as Record<string, unknown>)
      : {};
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    tier: row.tier,
    status,
    shardId: row.shardId,
    schemaName: row.schemaName,
    defaultLanguage: isLanguage(row.defaultLanguage)
      ? row.defaultLanguage
      : 'en',
    sessionTtlSeconds: row.sessionTtlSeconds,
    settings,
  };
}

/** The control-plane row of the tenant with this slug, or null. */
export function getTenantBySlug(
  cp: ControlPlane,
  slug: string,
): Promise<TenantRow | null> {
  return cp.db.tenant.findUnique({ where: { slug } });
}

/** The control-plane row of the tenant with this id, or null. */
export function getTenantById(
  cp: ControlPlane,
  id: string,
): Promise<TenantRow | null> {
  return cp.db.tenant.findUnique({ where: { id } });
}

/** One line of `wakala tenant list`: a tenant, its shard and its numbers. */
export interface TenantListing {
  tenant: ResolvedTenant;
  shardName: string;
  shardKind: string;
  createdAt: Date;
  whatsappNumbers: Array<{ phoneNumberId: string; displayNumber: string }>;
  ussdCodes: string[];
  storeCodes: Array<{ serviceCode: string; storeCode: string }>;
}

/** Every tenant with its shard and the numbers that reach it, by slug. */
export async function listTenants(cp: ControlPlane): Promise<TenantListing[]> {
  const [tenants, shards, whatsapp, ussd, store] = await Promise.all([
    cp.db.tenant.findMany({ orderBy: { slug: 'asc' } }),
    cp.db.shard.findMany({ select: { id: true, name: true, kind: true } }),
    cp.db.whatsappNumber.findMany({ orderBy: { displayNumber: 'asc' } }),
    cp.db.ussdCode.findMany({ orderBy: { serviceCode: 'asc' } }),
    cp.db.storeCode.findMany({ orderBy: { serviceCode: 'asc' } }),
  ]);
  const shardById = new Map(shards.map((shard) => [shard.id, shard]));
  const whatsappByTenant = groupByTenant(whatsapp);
  const ussdByTenant = groupByTenant(ussd);
  const storeByTenant = groupByTenant(store);
  return tenants.map((row) => {
    const shard = shardById.get(row.shardId);
    return {
      tenant: toResolvedTenant(row),
      shardName: shard?.name ?? row.shardId,
      shardKind: shard?.kind ?? 'unknown',
      createdAt: row.createdAt,
      whatsappNumbers: (whatsappByTenant.get(row.id) ?? []).map(
        ({ phoneNumberId, displayNumber }) => ({
          phoneNumberId,
          displayNumber,
        }),
      ),
      ussdCodes: (ussdByTenant.get(row.id) ?? []).map(
        (code) => code.serviceCode,
      ),
      storeCodes: (storeByTenant.get(row.id) ?? []).map(
        ({ serviceCode, storeCode }) => ({ serviceCode, storeCode }),
      ),
    };
  });
}

function groupByTenant<T extends { tenantId: string }>(
  rows: T[],
): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.tenantId);
    if (group) group.push(row);
    else groups.set(row.tenantId, [row]);
  }
  return groups;
}
