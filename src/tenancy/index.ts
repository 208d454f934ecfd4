// The public names of the tenancy folder. `openTenantScope` is left out on
// purpose: only `withTenant` may open a tenant scope, after resolving the
// tenant and building a client for its own schema.
export {
  currentTenant,
  hasTenantScope,
  tenantDb,
  type ResolvedTenant,
  type TenantDb,
  type Tier,
} from './tenant-context.ts';
export * from './control-plane.ts';
export * from './shard-registry.ts';
export * from './lru-cache.ts';
export * from './migration-files.ts';
export * from './migration-runner.ts';
export * from './migrate-all.ts';
export * from './tenant-directory.ts';
export * from './with-tenant.ts';
export * from './provision-request.ts';
export * from './provision-tenant.ts';
export { STARTER_CATEGORIES } from './tenant-seed.ts';
export * from './tenant-resolver.ts';
export * from './api-keys.ts';
export * from './audit-log.ts';
export * from './tenant-move.ts';
export * from './admin-router.ts';
