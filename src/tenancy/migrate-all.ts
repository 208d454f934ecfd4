import type { ControlPlane } from './control-plane.ts';
import {
  MigrationError,
  migrateControlPlane,
  migrateTenantSchema,
} from './migration-runner.ts';

/** One finished tenant schema, reported as the run goes. */
export interface MigrateProgress {
  completed: number;
  total: number;
  tenantId: string;
  slug: string;
  schemaName: string;
  applied: string[];
}

/** Options of `migrateAll`. */
export interface MigrateAllOptions {
  onProgress?: (progress: MigrateProgress) => void;
  /** Tenant schemas migrated at the same time (default 4). */
  concurrency?: number;
  /** Other migration folders, for tests. */
  migrationsDirs?: { control?: string; tenant?: string };
}

/** What a full run did. */
export interface MigrateReport {
  /** Control-plane versions applied by this run. */
  control: string[];
  tenantSchemas: number;
  /** Schemas that had something to apply. */
  migratedSchemas: number;
  /** Versions applied per schema that changed. */
  applied: Array<{ tenantId: string; schemaName: string; versions: string[] }>;
  durationMs: number;
}

interface TenantTarget {
  id: string;
  slug: string;
  shardId: string;
  schemaName: string;
}

/**
 * Migrates the control plane, then every tenant schema on every shard,
 * several at a time. The first failing schema stops the run: schemas already
 * started finish, no new one starts, and the failure (naming tenant, schema
 * and file) is thrown. Tenants still being provisioned are left out: their
 * provisioning migrates them itself.
 */
export async function migrateAll(
  cp: ControlPlane,
  options: MigrateAllOptions = {},
): Promise<MigrateReport> {
  const started = performance.now();
  const dirs = options.migrationsDirs ?? {};
  const control = await migrateControlPlane(
    cp.pool,
    dirs.control === undefined ? {} : { migrationsDir: dirs.control },
  );
  await cp.ensureSharedShard();
  const { rows: targets } = await cp.pool.query<TenantTarget>(
    `SELECT id, slug, shard_id AS "shardId", schema_name AS "schemaName"
       FROM control.tenants
      WHERE status <> 'provisioning'
      ORDER BY shard_id, id`,
  );
  const report: MigrateReport = {
    control,
    tenantSchemas: targets.length,
    migratedSchemas: 0,
    applied: [],
    durationMs: 0,
  };
  let next = 0;
  let completed = 0;
  let failure: MigrationError | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < targets.length) {
      const target = targets[next++] as TenantTarget;
      try {
        const pool = await cp.shards.poolFor(target.shardId);
        const versions = await migrateTenantSchema(pool, target.schemaName, {
          tenant: { id: target.id, slug: target.slug },
          ...(dirs.tenant === undefined ? {} : { migrationsDir: dirs.tenant }),
        });
        completed += 1;
        if (versions.length > 0) {
          report.migratedSchemas += 1;
          report.applied.push({
            tenantId: target.id,
            schemaName: target.schemaName,
            versions,
          });
        }
        options.onProgress?.({
          completed,
          total: targets.length,
          tenantId: target.id,
          slug: target.slug,
          schemaName: target.schemaName,
          applied: versions,
        });
      } catch (error) {
        failure ??= wrapFailure(error, target);
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 64));
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure !== undefined) throw failure;
  report.durationMs = performance.now() - started;
  return report;
}

function wrapFailure(error: unknown, target: TenantTarget): MigrationError {
  if (error instanceof MigrationError) return error;
  // A failure outside a migration file (shard unreachable, bad URL key).
  return new MigrationError(
    'migration.tenant_unreachable',
    `Tenant ${target.id} (slug ${target.slug}) could not be migrated in schema ${target.schemaName} on shard ${target.shardId}; check that the shard is reachable.`,
    {
      schemaName: target.schemaName,
      file: '',
      tenant: { id: target.id, slug: target.slug },
    },
    error,
  );
}
