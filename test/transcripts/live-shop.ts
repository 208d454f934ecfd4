import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/app/config.ts';
import {
  createServices,
  type Services,
} from '../../src/app/create-services.ts';
import { ensureDemoShop } from '../../src/app/demo-shop.ts';
import { createLogger } from '../../src/shared/logger.ts';
import {
  createControlPlane,
  migrateAll,
  withTenant,
  type ResolvedTenant,
} from '../../src/tenancy/index.ts';

const SECRET_KEY = 'live-shop-secret-key-0123456789-abcdefghij';

export interface LiveShopOptions {
  /** Server to create the throw-away database on (its database is ignored). */
  postgresUrl: string;
  redisUrl: string;
  /** Start of the database name and the Redis key prefix. */
  label: string;
}

/** The demo shop on real PostgreSQL and Redis, as `npm start` wires it. */
export interface LiveShop {
  services: Services;
  tenant: ResolvedTenant;
  keyPrefix: string;
  /** Runs `fn` in the demo shop's tenant scope (`tenantDb()` works). */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Closes the services, deletes the Redis keys and drops the database. */
  close(): Promise<void>;
}

/**
 * Creates a fresh database, migrates the control plane, provisions the
 * demo shop and builds the services with a random Redis key prefix, so a
 * transcript or benchmark runs the very turn runner a process would.
 */
export async function openLiveShop(
  options: LiveShopOptions,
): Promise<LiveShop> {
  const suffix = randomBytes(5).toString('hex');
  const database = `wakala_${options.label}_${suffix}`;
  const keyPrefix = `${options.label}-${suffix}`;
  await adminQuery(options.postgresUrl, `CREATE DATABASE "${database}"`);
  const databaseUrl = withDatabase(options.postgresUrl, database);
  const logger = createLogger({ level: 'silent' });
  let services: Services | undefined;
  const cleanUp = async (): Promise<void> => {
    if (services) {
      await deleteKeys(services, keyPrefix).catch(() => undefined);
      await services.close();
    }
    await adminQuery(
      options.postgresUrl,
      `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`,
    );
  };
  try {
    const setup = await createControlPlane({
      databaseUrl,
      secretKey: SECRET_KEY,
      logger,
    });
    let tenant: ResolvedTenant;
    try {
      await migrateAll(setup);
      tenant = (await ensureDemoShop(setup)).tenant;
    } finally {
      await setup.close();
    }
    const config = loadConfig({
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redisUrl,
      WAKALA_SECRET_KEY: SECRET_KEY,
      WAKALA_ADMIN_TOKEN: 'live-shop-admin-token-0123456789abcdef',
    });
    services = await createServices({ config, logger, keyPrefix });
    const opened = services;
    return {
      services: opened,
      tenant,
      keyPrefix,
      run: (fn) => withTenant(opened.controlPlane, tenant, fn),
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function deleteKeys(services: Services, prefix: string): Promise<void> {
  const redis = services.redis;
  if (!redis) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${prefix}:*`,
      'COUNT',
      500,
    );
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
