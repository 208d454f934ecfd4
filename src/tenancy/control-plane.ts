import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as ControlPrismaClient } from '../generated/control/client.ts';
import { InputError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { SecretBox } from '../shared/secret-box.ts';
import { ShardRegistry } from './shard-registry.ts';

/** The Prisma client of the control plane (schema `control`). */
export type ControlDb = ControlPrismaClient;

/** Id and name of the shared shard that lives in the control database. */
export const DEFAULT_SHARED_SHARD_ID = 'shared-1';

/** Options of `createControlPlane`. */
export interface ControlPlaneOptions {
  /** DATABASE_URL: the control database, also the first shared shard. */
  databaseUrl: string;
  /** WAKALA_SECRET_KEY: encrypts shard URLs and channel tokens. */
  secretKey: string;
  logger: Logger;
  /** Server where dedicated databases are created; default DATABASE_URL's. */
  dedicatedServerUrl?: string;
  /** Base of the webhook URLs handed to new tenants. */
  publicUrl?: string;
  /** Connections of the control pool (default 10). */
  poolSize?: number;
  /** Tenant clients kept alive at most (default 200). */
  maxTenantClients?: number;
}

/** Everything that knows where tenants live, shared by a whole process. */
export interface ControlPlane {
  pool: pg.Pool;
  db: ControlDb;
  secrets: SecretBox;
  shards: ShardRegistry;
  logger: Logger;
  /** Name of the control database; dedicated databases start with it. */
  controlDatabaseName: string;
  dedicatedServerUrl: string;
  publicUrl: string;
  /** Ensures the shard `shared-1` exists (after the control migrations). */
  ensureSharedShard(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the control plane: one pool on DATABASE_URL, the control Prisma
 * client on it and the shard registry. Nothing is queried until first use,
 * so `wakala migrate` can open it before the control schema exists.
 */
export function createControlPlane(
  options: ControlPlaneOptions,
): Promise<ControlPlane> {
  const controlDatabaseName = databaseNameOf(options.databaseUrl);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
  });
  // Every Prisma client on the shared shard adds a listener to this pool.
  pool.setMaxListeners(0);
  const logger = options.logger.child({ module: 'control-plane' });
  pool.on('error', (error) => {
    logger.error({ err: error }, 'idle control connection failed');
  });
  const secrets = new SecretBox(options.secretKey);
  const db = new ControlPrismaClient({
    adapter: new PrismaPg(pool, { schema: 'control' }),
  });
  const shards = new ShardRegistry({
    controlPool: pool,
    controlUrl: options.databaseUrl,
    secrets,
    logger: options.logger,
    ...(options.maxTenantClients === undefined
      ? {}
      : { maxClients: options.maxTenantClients }),
  });
  let sharedShardReady: Promise<void> | undefined;
  const controlPlane: ControlPlane = {
    pool,
    db,
    secrets,
    shards,
    logger: options.logger,
    controlDatabaseName,
    dedicatedServerUrl: options.dedicatedServerUrl ?? options.databaseUrl,
    publicUrl: (options.publicUrl ?? 'http://localhost:3000').replace(
      /\/+$/,
      '',
    ),
    ensureSharedShard() {
      sharedShardReady ??= insertSharedShard(
        pool,
        secrets,
        options.databaseUrl,
      );
      sharedShardReady.catch(() => {
        sharedShardReady = undefined;
      });
      return sharedShardReady;
    },
    async close() {
      await shards.close();
      await db.$disconnect().catch(() => undefined);
      await pool.end();
    },
  };
  return Promise.resolve(controlPlane);
}

/**
 * The control database is by definition the shard `shared-1`; its stored
 * URL follows DATABASE_URL (a rotated password reaches the shard too), but
 * only while it still names the same database.
 */
async function insertSharedShard(
  pool: pg.Pool,
  secrets: SecretBox,
  databaseUrl: string,
): Promise<void> {
  await pool.query(
    `INSERT INTO control.shards (id, name, kind, url_encrypted, database_name)
     VALUES ($1, $1, 'shared', $2, $3)
     ON CONFLICT (id) DO UPDATE SET url_encrypted = EXCLUDED.url_encrypted
       WHERE control.shards.database_name = EXCLUDED.database_name`,
    [
      DEFAULT_SHARED_SHARD_ID,
      secrets.encrypt(databaseUrl),
      databaseNameOf(databaseUrl),
    ],
  );
}

/** The database name in a postgres:// URL. */
export function databaseNameOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new InputError(
      'config.database_url',
      'DATABASE_URL is not a valid postgres:// URL.',
      { cause },
    );
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (name === '') {
    throw new InputError(
      'config.database_url',
      'DATABASE_URL must name a database, such as postgres://host:5432/wakala.',
    );
  }
  return name;
}

/** Returns `url` with its database name replaced. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Settings the tenancy commands need from the environment. */
export type ControlPlaneEnvSettings = Omit<ControlPlaneOptions, 'logger'>;

/**
 * Reads DATABASE_URL, WAKALA_SECRET_KEY, WAKALA_DEDICATED_DATABASE_URL and
 * WAKALA_PUBLIC_URL, refusing a missing value with a message naming it.
 */
export function controlPlaneSettingsFromEnv(
  env: Record<string, string | undefined>,
): ControlPlaneEnvSettings {
  const databaseUrl = env.DATABASE_URL ?? '';
  const secretKey = env.WAKALA_SECRET_KEY ?? '';
  if (!/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
    throw new InputError(
      'config.database_url',
      'DATABASE_URL must be set to the control database, such as postgres://user@host:5432/wakala.',
    );
  }
  databaseNameOf(databaseUrl);
  if (secretKey.length < 32) {
    throw new InputError(
      'config.secret_key',
      'WAKALA_SECRET_KEY must be set to at least 32 characters; it encrypts stored shard URLs and tokens.',
    );
  }
  const settings: ControlPlaneEnvSettings = { databaseUrl, secretKey };
  const dedicated = env.WAKALA_DEDICATED_DATABASE_URL;
  if (dedicated) settings.dedicatedServerUrl = dedicated;
  const publicUrl = env.WAKALA_PUBLIC_URL;
  if (publicUrl) settings.publicUrl = publicUrl;
  return settings;
}
