import { createHash } from 'node:crypto';
import type pg from 'pg';
import { WakalaError } from '../shared/errors.ts';
import {
  defaultMigrationsDir,
  loadMigrations,
  type MigrationFile,
  type MigrationKind,
} from './migration-files.ts';

/** The tenant a schema belongs to, named in errors so an operator can act. */
export interface MigrationTenant {
  id: string;
  slug: string;
}

/** Options of one schema's migration run. */
export interface MigrateSchemaOptions {
  /** Folder of the SQL files; tests point it at a broken set. */
  migrationsDir?: string;
  /** Named in a failure's message; left out for the control plane. */
  tenant?: MigrationTenant;
}

/** Why a migration run stopped; names schema, file and tenant. */
export class MigrationError extends WakalaError {
  readonly schemaName: string;
  readonly file: string;
  readonly tenant: MigrationTenant | undefined;

  constructor(
    code: string,
    message: string,
    details: { schemaName: string; file: string; tenant?: MigrationTenant },
    cause?: unknown,
  ) {
    super(code, message, cause === undefined ? {} : { cause });
    this.name = 'MigrationError';
    this.schemaName = details.schemaName;
    this.file = details.file;
    this.tenant = details.tenant;
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Applies pending control-plane migrations in schema `control`. */
export function migrateControlPlane(
  pool: pg.Pool,
  options: Omit<MigrateSchemaOptions, 'tenant'> = {},
): Promise<string[]> {
  return migrateSchema(pool, 'control', 'control', options);
}

/**
 * Applies pending tenant migrations to one tenant schema and returns the
 * versions it applied (empty when the schema was already up to date).
 */
export function migrateTenantSchema(
  pool: pg.Pool,
  schemaName: string,
  options: MigrateSchemaOptions = {},
): Promise<string[]> {
  return migrateSchema(pool, schemaName, 'tenant', options);
}

/**
 * Each file runs in its own transaction together with its
 * schema_migrations row, under an advisory lock on the schema, and checks
 * again after taking the lock whether another process applied it meanwhile.
 * So two runners at once both finish, and a failing file leaves the schema
 * exactly at the previous version.
 */
async function migrateSchema(
  pool: pg.Pool,
  schemaName: string,
  kind: MigrationKind,
  options: MigrateSchemaOptions,
): Promise<string[]> {
  if (!SCHEMA_NAME.test(schemaName)) {
    throw new WakalaError(
      'migration.bad_schema',
      `Schema name ${JSON.stringify(schemaName)} is not a plain lower-case identifier.`,
    );
  }
  const files = await loadMigrations(
    options.migrationsDir ?? defaultMigrationsDir(kind),
  );
  const target = { schemaName, tenant: options.tenant };
  const client = await pool.connect();
  try {
    let applied = await readApplied(client, schemaName);
    if (applied === undefined) {
      await bootstrap(client, schemaName);
      applied = new Map();
    }
    checkChecksums(files, applied, target);
    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file.version)) continue;
      if (await applyOne(client, file, target)) done.push(file.version);
      applied.set(file.version, file.checksum);
    }
    return done;
  } finally {
    client.release();
  }
}

interface Target {
  schemaName: string;
  tenant: MigrationTenant | undefined;
}

/** Applied versions and checksums, or undefined when there is no table yet. */
async function readApplied(
  client: pg.PoolClient,
  schemaName: string,
): Promise<Map<string, string> | undefined> {
  try {
    const { rows } = await client.query<{ version: string; checksum: string }>(
      `SELECT version, checksum FROM "${schemaName}".schema_migrations`,
    );
    return new Map(rows.map((row) => [row.version, row.checksum]));
  } catch (error) {
    const code = (error as { code?: string }).code;
    // 42P01: no such table; 3F000: no such schema. Both mean "new schema".
    if (code === '42P01' || code === '3F000') return undefined;
    throw error;
  }
}

async function bootstrap(
  client: pg.PoolClient,
  schemaName: string,
): Promise<void> {
  try {
    await inTransaction(client, async () => {
      await lockSchema(client, schemaName);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schemaName}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${schemaName}".schema_migrations (
           version    text PRIMARY KEY,
           checksum   text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
      );
    });
  } catch (error) {
    // An advisory lock does not refresh PostgreSQL's catalog cache, so
    // "IF NOT EXISTS" can miss a schema another runner has just created and
    // fail on the unique index instead. That runner did the work: carry on.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06' && code !== '42P07') throw error;
  }
}

/** Applies one file; false when another runner applied it first. */
async function applyOne(
  client: pg.PoolClient,
  file: MigrationFile,
  target: Target,
): Promise<boolean> {
  const { schemaName } = target;
  try {
    return await inTransaction(client, async () => {
      await lockSchema(client, schemaName);
      const { rows } = await client.query<{ checksum: string }>(
        `SELECT checksum FROM "${schemaName}".schema_migrations WHERE version = $1`,
        [file.version],
      );
      const existing = rows[0];
      if (existing) {
        checkChecksums(
          [file],
          new Map([[file.version, existing.checksum]]),
          target,
        );
        return false;
      }
      await client.query(`SET LOCAL search_path TO "${schemaName}", public`);
      await client.query(file.sql);
      await client.query(
        `INSERT INTO "${schemaName}".schema_migrations (version, checksum) VALUES ($1, $2)`,
        [file.version, file.checksum],
      );
      return true;
    });
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(
      'migration.failed',
      `Migration ${file.version} failed in schema ${schemaName}${describeTenant(target.tenant)} and was rolled back, so the schema stays at its previous version; fix the file and run wakala migrate again (${postgresReason(error)}).`,
      { schemaName, file: file.version, tenant: target.tenant },
      error,
    );
  }
}

function checkChecksums(
  files: MigrationFile[],
  applied: Map<string, string>,
  target: Target,
): void {
  for (const file of files) {
    const stored = applied.get(file.version);
    if (stored !== undefined && stored !== file.checksum) {
      throw new MigrationError(
        'migration.checksum_mismatch',
        `Migration ${file.version} was changed after it was applied to schema ${target.schemaName}${describeTenant(target.tenant)}; restore the applied file and put the change in a new migration.`,
        {
          schemaName: target.schemaName,
          file: file.version,
          tenant: target.tenant,
        },
      );
    }
  }
}

async function lockSchema(
  client: pg.PoolClient,
  schemaName: string,
): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [
    advisoryKey(schemaName),
  ]);
}

/** A stable 64-bit lock key per schema, shared by every Wakala process. */
export function advisoryKey(schemaName: string): string {
  return createHash('sha256')
    .update(`wakala.migrate:${schemaName}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

async function inTransaction<T>(
  client: pg.PoolClient,
  fn: () => Promise<T>,
): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function describeTenant(tenant: MigrationTenant | undefined): string {
  return tenant ? ` (tenant ${tenant.id}, slug ${tenant.slug})` : '';
}

function postgresReason(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  return `PostgreSQL ${code ?? 'error'}: ${message ?? String(error)}`;
}
