import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/generated/tenant/client.ts';
import {
  openTenantScope,
  type ResolvedTenant,
  type TenantDb,
} from '../../src/tenancy/tenant-context.ts';
import { createTestDatabase, uniqueSuffix } from '../support/services.ts';

const TENANT_MIGRATIONS = new URL(
  '../../prisma/migrations/tenant/',
  import.meta.url,
);

/** One tenant schema in a throw-away database, for commerce tests. */
export interface TenantFixture {
  tenant: ResolvedTenant;
  db: TenantDb;
  pool: pg.Pool;
  /** Runs `fn` inside this tenant's scope, as the turn runner would. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Disconnects, ends the pool and drops the database. */
  close(): Promise<void>;
}

/**
 * Builds a tenant schema by hand: a fresh database, a `tenant_<random>`
 * schema with the tenant migrations applied, and a Prisma client bound to
 * it. Stands in for the real provisioning until that lands; swap the body
 * for the provisioning call then, the shape can stay.
 */
export async function createTenantFixture(
  options: { poolSize?: number } = {},
): Promise<TenantFixture> {
  const database = await createTestDatabase('commerce');
  const schemaName = `tenant_${uniqueSuffix()}`;
  const pool = new pg.Pool({
    connectionString: database.url,
    max: options.poolSize ?? 5,
  });
  pool.setMaxListeners(0);
  await applyTenantMigrations(pool, schemaName);

  const db = new PrismaClient({
    adapter: new PrismaPg(pool, { schema: schemaName }),
  });
  const tenant: ResolvedTenant = {
    id: randomUUID(),
    slug: `shop-${uniqueSuffix()}`,
    name: 'Test shop',
    tier: 'basic',
    status: 'active',
    shardId: 'test-shard',
    schemaName,
    defaultLanguage: 'en',
    sessionTtlSeconds: 600,
    settings: {},
  };
  return {
    tenant,
    db,
    pool,
    run: (fn) => openTenantScope(tenant, db, fn),
    close: async () => {
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}

async function applyTenantMigrations(
  pool: pg.Pool,
  schemaName: string,
): Promise<void> {
  const files = (await readdir(TENANT_MIGRATIONS))
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA "${schemaName}"`);
    await client.query(`SET search_path TO "${schemaName}"`);
    for (const file of files) {
      const sql = await readFile(
        join(TENANT_MIGRATIONS.pathname, file),
        'utf8',
      );
      await client.query(sql);
    }
  } finally {
    await client.query('RESET search_path');
    client.release();
  }
}
