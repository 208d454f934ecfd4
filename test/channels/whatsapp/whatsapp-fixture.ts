import { readFileSync } from 'node:fs';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { Redis } from 'ioredis';
import { PrismaClient } from '../../../src/generated/tenant/client.ts';
import {
  openTenantScope,
  type ResolvedTenant,
} from '../../../src/tenancy/tenant-context.ts';
import { createLogger } from '../../../src/shared/index.ts';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueSuffix,
  type TestDatabase,
} from '../../support/services.ts';

const MIGRATION = new URL(
  '../../../prisma/migrations/tenant/0003_whatsapp_messages.sql',
  import.meta.url,
);

/**
 * One tenant schema holding only the WhatsApp tables, a Redis connection
 * with a random key prefix, and `runInTenant` opening the real tenant scope:
 * enough for the channel's integration tests without the whole tenancy.
 */
export interface WhatsappFixture {
  tenant: ResolvedTenant;
  db: PrismaClient;
  redis: Redis;
  keyPrefix: string;
  runInTenant: <T>(tenantId: string, fn: () => Promise<T>) => Promise<T>;
  close(): Promise<void>;
}

export async function createWhatsappFixture(
  label = 'wa',
): Promise<WhatsappFixture> {
  const database: TestDatabase = await createTestDatabase(label);
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const schemaName = `tenant_${label}${uniqueSuffix()}`;
  const client = await pool.connect();
  try {
    await client.query(`CREATE SCHEMA "${schemaName}"`);
    await client.query(`SET search_path TO "${schemaName}"`);
    await client.query(readFileSync(MIGRATION, 'utf8'));
  } finally {
    client.release();
  }
  const db = new PrismaClient({
    adapter: new PrismaPg(pool, { schema: schemaName }),
  });
  const tenant: ResolvedTenant = {
    id: `t${uniqueSuffix()}`,
    slug: 'demo-shop',
    name: 'Demo Shop',
    tier: 'basic',
    status: 'active',
    shardId: 'shared-1',
    schemaName,
    defaultLanguage: 'en',
    sessionTtlSeconds: 1800,
    settings: {},
  };
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const keyPrefix = `test${uniqueSuffix()}`;
  return {
    tenant,
    db,
    redis,
    keyPrefix,
    runInTenant: (tenantId, fn) => {
      if (tenantId !== tenant.id) throw new Error(`unknown tenant ${tenantId}`);
      return openTenantScope(tenant, db, fn);
    },
    async close() {
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}

/** A logger that writes nothing (set LOG_LEVEL=debug to see the lines). */
export const quietLogger = createLogger({
  level: process.env.LOG_LEVEL ?? 'silent',
});
