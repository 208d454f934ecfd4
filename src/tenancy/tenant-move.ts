import pg from 'pg';
import {
  ConflictError,
  InputError,
  NotFoundError,
  WakalaError,
} from '../shared/errors.ts';
import { withDatabaseName, type ControlPlane } from './control-plane.ts';
import { migrateTenantSchema } from './migration-runner.ts';
import {
  assertSameMigrations,
  copySequences,
  copyTable,
  countBoth,
  lockSchemaTables,
  q,
  tablesInFkOrder,
  type TableCount,
} from './schema-copy.ts';
import type { ResolutionInvalidator } from './tenant-resolver.ts';

export type { TableCount };

/** The steps of a move, in order; `failAfterStep` names one. */
export type MoveStep = 'database' | 'lock' | 'copy' | 'verify';

/** Options of `moveTenantToDedicated`. */
export interface MoveTenantOptions {
  /** Its cache is dropped when the move starts and when it ends. */
  resolver?: ResolutionInvalidator;
  onProgress?: (line: string) => void;
  /** How long to wait for writes in flight before giving up (default 15 s). */
  lockTimeoutMs?: number;
  now?: () => Date;
  /** Test hook: fail right after this step, to prove the roll-back. */
  failAfterStep?: MoveStep;
}

/** What a finished move did. */
export interface MoveReport {
  tenantId: string;
  slug: string;
  tier: string;
  fromShardId: string;
  toShardId: string;
  databaseName: string;
  /** The old schema, renamed and kept on `fromShardId` until purge-old. */
  oldSchemaName: string;
  tables: TableCount[];
}

interface MoveTarget {
  tenantId: string;
  slug: string;
  schemaName: string;
  fromShardId: string;
  toShardId: string;
  databaseName: string;
}

/**
 * Moves a tenant from its shared shard into a new dedicated database and
 * upgrades it to premium (unless already higher). The tenant's status is
 * 'moving' throughout, so `withTenantId` refuses new work with the
 * retryable `tenancy.moving`. Writes already in flight are drained by
 * taking EXCLUSIVE locks on every table of the old schema: the lock waits
 * for open write transactions to end, and blocks any late writer that still
 * holds an old (cached) placement. Those writers fail once the schema is
 * renamed, so no acknowledged write can land in the old copy. A timed
 * drain was rejected because it trusts that no turn lasts longer than it.
 * Row counts are verified per table before routing switches, atomically,
 * in one control-plane transaction. On failure the tenant stays active
 * where it was and the new database is dropped.
 */
export async function moveTenantToDedicated(
  cp: ControlPlane,
  slug: string,
  options: MoveTenantOptions = {},
): Promise<MoveReport> {
  const target = await startMove(cp, slug);
  const say = options.onProgress ?? (() => undefined);
  say(`tenant ${slug} is moving; new work is refused until the move ends`);
  const step = (done: MoveStep): void => {
    if (options.failAfterStep === done) {
      throw new WakalaError(
        'tenancy.move_injected_failure',
        `The move of tenant ${slug} was stopped after step ${done} on purpose (test hook).`,
      );
    }
  };
  let source: pg.PoolClient | undefined;
  let isSwitched = false;
  try {
    await options.resolver?.invalidateTenant(target.tenantId);
    const targetPool = await prepareTarget(cp, target);
    step('database');
    const sourcePool = await cp.shards.poolFor(target.fromShardId);
    const tables = await tablesInFkOrder(sourcePool, target.schemaName);
    source = await sourcePool.connect();
    const lockTimeoutMs = options.lockTimeoutMs ?? 15_000;
    await lockSchemaTables(source, target.schemaName, tables, lockTimeoutMs);
    say(`writes drained; copying ${tables.length} tables`);
    step('lock');
    const counts = await copyAll(source, targetPool, target, tables, say, step);
    const oldSchemaName = `${target.schemaName}_old_${stamp(options.now?.() ?? new Date())}`;
    await source.query(
      `ALTER SCHEMA ${q(target.schemaName)} RENAME TO ${q(oldSchemaName)}`,
    );
    const tier = await switchPlacement(cp, target, oldSchemaName);
    isSwitched = true;
    await commitSource(source, target, oldSchemaName);
    await forgetOldPlacement(cp, target, options.resolver);
    say(
      `tenant ${slug} now lives in database ${target.databaseName}; old schema kept as ${oldSchemaName}`,
    );
    return { ...target, tier, oldSchemaName, tables: counts };
  } catch (error) {
    if (isSwitched) throw error;
    await source?.query('ROLLBACK').catch(() => undefined);
    await undoMove(cp, target, options.resolver);
    throw new WakalaError(
      'tenancy.move_failed',
      `Moving tenant ${slug} failed (${error instanceof WakalaError ? error.code : 'internal'}); it stays active on shard ${target.fromShardId} and the new database was dropped.`,
      { cause: error },
    );
  } finally {
    source?.release();
  }
}

/** Creates the dedicated database, its shard row and the migrated schema. */
async function prepareTarget(
  cp: ControlPlane,
  target: MoveTarget,
): Promise<pg.Pool> {
  await createDedicatedShard(cp, target);
  const targetPool = await cp.shards.poolFor(target.toShardId);
  await targetPool.query(`CREATE SCHEMA ${q(target.schemaName)}`);
  await migrateTenantSchema(targetPool, target.schemaName, {
    tenant: { id: target.tenantId, slug: target.slug },
  });
  return targetPool;
}

/** Copies every table and sequence under the lock, then counts both sides. */
async function copyAll(
  source: pg.PoolClient,
  targetPool: pg.Pool,
  target: MoveTarget,
  tables: string[],
  say: (line: string) => void,
  step: (done: MoveStep) => void,
): Promise<TableCount[]> {
  const schema = target.schemaName;
  await assertSameMigrations(source, targetPool, schema);
  for (const table of tables) {
    const copied = await copyTable(source, targetPool, schema, table);
    say(`copied ${table}: ${copied} rows`);
  }
  await copySequences(source, targetPool, schema);
  step('copy');
  const counts: TableCount[] = [];
  for (const table of tables) {
    counts.push(await countBoth(source, targetPool, schema, table));
  }
  step('verify');
  return counts;
}

/**
 * After the switch the move has happened; a failure to drop a cached client
 * or cache entry is only logged (entries expire by their ttl anyway).
 */
async function forgetOldPlacement(
  cp: ControlPlane,
  target: MoveTarget,
  resolver: ResolutionInvalidator | undefined,
): Promise<void> {
  try {
    await cp.shards.forgetClient({
      shardId: target.fromShardId,
      schemaName: target.schemaName,
    });
    await resolver?.invalidateTenant(target.tenantId);
  } catch (error) {
    cp.logger.warn(
      { err: error, tenantId: target.tenantId },
      'cache invalidation after move failed',
    );
  }
}

/** Checks the tenant can move and marks it 'moving'; refuses a second mover. */
async function startMove(cp: ControlPlane, slug: string): Promise<MoveTarget> {
  const { rows } = await cp.pool.query<{
    id: string;
    status: string;
    shard_id: string;
    schema_name: string;
    kind: string;
    previous_schema_name: string | null;
  }>(
    `SELECT t.id, t.status, t.shard_id, t.schema_name, s.kind, t.previous_schema_name
       FROM control.tenants t JOIN control.shards s ON s.id = t.shard_id WHERE t.slug = $1`,
    [slug],
  );
  const row = rows[0];
  if (!row)
    throw new NotFoundError(
      'tenancy.tenant_not_found',
      `No tenant has the slug ${slug}; run wakala tenant list.`,
    );
  if (row.kind === 'dedicated') {
    throw new InputError(
      'tenancy.already_dedicated',
      `Tenant ${slug} already has a dedicated database.`,
    );
  }
  if (row.previous_schema_name !== null) {
    throw new ConflictError(
      'tenancy.old_placement_kept',
      `Tenant ${slug} still keeps an old schema from an earlier move; run wakala tenant purge-old ${slug} first.`,
    );
  }
  const marked = await cp.pool.query(
    `UPDATE control.tenants SET status = 'moving', updated_at = now() WHERE id = $1 AND status = 'active'`,
    [row.id],
  );
  if (marked.rowCount !== 1) {
    throw new ConflictError(
      'tenancy.move_not_active',
      `Tenant ${slug} is ${row.status}, not active; only an active tenant can be moved.`,
    );
  }
  const databaseName = `${cp.controlDatabaseName}_t_${row.id}`;
  return {
    tenantId: row.id,
    slug,
    schemaName: row.schema_name,
    fromShardId: row.shard_id,
    toShardId: `dedicated-${row.id}`,
    databaseName,
  };
}

/** Creates the database and records it as a dedicated shard (same naming as provisioning). */
async function createDedicatedShard(
  cp: ControlPlane,
  target: MoveTarget,
): Promise<void> {
  await serverQuery(cp, `CREATE DATABASE ${q(target.databaseName)}`);
  const url = withDatabaseName(cp.dedicatedServerUrl, target.databaseName);
  await cp.pool.query(
    `INSERT INTO control.shards (id, name, kind, url_encrypted, database_name, is_accepting)
     VALUES ($1, $1, 'dedicated', $2, $3, false)`,
    [target.toShardId, cp.secrets.encrypt(url), target.databaseName],
  );
}

/** Points the tenant at the new database in one control-plane statement. */
async function switchPlacement(
  cp: ControlPlane,
  target: MoveTarget,
  oldSchemaName: string,
): Promise<string> {
  const { rows } = await cp.pool.query<{ tier: string }>(
    `UPDATE control.tenants
        SET shard_id = $2, previous_shard_id = shard_id, previous_schema_name = $3, status = 'active',
            tier = CASE WHEN tier = 'basic' THEN 'premium' ELSE tier END, updated_at = now()
      WHERE id = $1 AND status = 'moving' AND shard_id = $4
      RETURNING tier`,
    [target.tenantId, target.toShardId, oldSchemaName, target.fromShardId],
  );
  if (!rows[0]) {
    throw new ConflictError(
      'tenancy.move_lost',
      `Tenant ${target.slug} changed while it was being moved; nothing was switched.`,
    );
  }
  return rows[0].tier;
}

async function commitSource(
  source: pg.PoolClient,
  target: MoveTarget,
  oldSchemaName: string,
): Promise<void> {
  try {
    await source.query('COMMIT');
  } catch (cause) {
    throw new WakalaError(
      'tenancy.move_rename_failed',
      `Tenant ${target.slug} now lives in ${target.databaseName}, but its old schema ${target.schemaName} on shard ${target.fromShardId} was not renamed to ${oldSchemaName}; rename it by hand before purge-old.`,
      { cause },
    );
  }
}

/**
 * Puts the tenant back to work where it was and removes the new database.
 * Clean-up failures are logged, not thrown: the move's own error matters.
 */
async function undoMove(
  cp: ControlPlane,
  target: MoveTarget,
  resolver: ResolutionInvalidator | undefined,
): Promise<void> {
  try {
    await cp.pool.query(
      `UPDATE control.tenants SET status = 'active', updated_at = now()
        WHERE id = $1 AND status = 'moving' AND shard_id = $2`,
      [target.tenantId, target.fromShardId],
    );
    await cp.shards.release(target.toShardId);
    await serverQuery(
      cp,
      `DROP DATABASE IF EXISTS ${q(target.databaseName)} WITH (FORCE)`,
    );
    await cp.pool.query('DELETE FROM control.shards WHERE id = $1', [
      target.toShardId,
    ]);
    await resolver?.invalidateTenant(target.tenantId);
  } catch (error) {
    cp.logger.error(
      { err: error, tenantId: target.tenantId },
      'move clean-up failed',
    );
  }
}

/** What purge-old removed. */
export interface PurgeReport {
  shardId: string;
  schemaName: string;
}

const OLD_SCHEMA = /^tenant_[a-z0-9]{4,24}_old_[0-9]{14}$/;

/** Drops the old schema a move kept for roll-back and forgets it. */
export async function purgeOldPlacement(
  cp: ControlPlane,
  slug: string,
): Promise<PurgeReport> {
  const { rows } = await cp.pool.query<{
    id: string;
    previous_shard_id: string | null;
    previous_schema_name: string | null;
  }>(
    'SELECT id, previous_shard_id, previous_schema_name FROM control.tenants WHERE slug = $1',
    [slug],
  );
  const row = rows[0];
  if (!row)
    throw new NotFoundError(
      'tenancy.tenant_not_found',
      `No tenant has the slug ${slug}; run wakala tenant list.`,
    );
  const { previous_shard_id: shardId, previous_schema_name: schemaName } = row;
  if (shardId === null || schemaName === null) {
    throw new InputError(
      'tenancy.no_old_placement',
      `Tenant ${slug} keeps no old schema; there is nothing to purge.`,
    );
  }
  // Never drop anything but a schema a move renamed, whatever the row says.
  if (!OLD_SCHEMA.test(schemaName)) {
    throw new WakalaError(
      'tenancy.old_schema_name',
      `Tenant ${slug}'s previous schema ${schemaName} is not a renamed old schema; refusing to drop it.`,
    );
  }
  const pool = await cp.shards.poolFor(shardId);
  await pool.query(`DROP SCHEMA IF EXISTS ${q(schemaName)} CASCADE`);
  await cp.pool.query(
    `UPDATE control.tenants SET previous_shard_id = NULL, previous_schema_name = NULL, updated_at = now() WHERE id = $1`,
    [row.id],
  );
  return { shardId, schemaName };
}

/** Runs a statement that cannot run in a transaction on the dedicated server. */
async function serverQuery(cp: ControlPlane, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: cp.dedicatedServerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
