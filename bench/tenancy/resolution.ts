// Tenant resolution latency, cached and uncached: 10,000 lookups by
// WhatsApp phone_number_id spread over 100 tenants. Run with
//   node --import tsx bench/tenancy/resolution.ts
// against PostgreSQL and Redis on 127.0.0.1 (BENCH_POSTGRES_URL and
// BENCH_REDIS_URL override). It creates and drops its own database.
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger } from '../../src/shared/logger.ts';
import {
  createControlPlane,
  createTenantResolver,
  migrateControlPlane,
  mappingKey,
  withDatabaseName,
  type ControlPlane,
} from '../../src/tenancy/index.ts';

const SERVER =
  process.env.BENCH_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TENANTS = 100;
const LOOKUPS = 10_000;

async function serverQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function seedTenants(cp: ControlPlane): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < TENANTS; i += 1) {
    const id = randomBytes(6).toString('hex');
    const phoneNumberId = String(100_000_000 + i);
    await cp.pool.query(
      `INSERT INTO control.tenants (id, slug, name, tier, status, shard_id, schema_name, owner_phone)
       VALUES ($1, $2, $3, 'basic', 'active', 'shared-1', $4, '+27821234567')`,
      [id, `bench-${id}`, `Bench shop ${i}`, `tenant_${id}`],
    );
    await cp.pool.query(
      `INSERT INTO control.whatsapp_numbers (phone_number_id, tenant_id, display_number)
       VALUES ($1, $2, $3)`,
      [phoneNumberId, id, `+2711${String(1_000_000 + i)}`],
    );
    ids.push(phoneNumberId);
  }
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return (
    sorted[
      Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
    ] ?? NaN
  );
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, v) => sum + v, 0) / samples.length;
  const cells = [percentile(sorted, 50), percentile(sorted, 99), mean].map(
    (v) => v.toFixed(3).padStart(8),
  );
  return `${label.padEnd(10)} ${String(samples.length).padStart(7)} ${cells.join(' ')}`;
}

async function main(): Promise<void> {
  const database = `wakala_bench_resolution_${randomBytes(4).toString('hex')}`;
  await serverQuery(`CREATE DATABASE "${database}"`);
  const redis = new Redis(REDIS_URL);
  const prefix = `bench:${randomBytes(4).toString('hex')}`;
  const cp = await createControlPlane({
    databaseUrl: withDatabaseName(SERVER, database),
    secretKey: 'bench-secret-key-with-at-least-32-characters',
    logger: createLogger({ level: 'silent' }),
  });
  try {
    await migrateControlPlane(cp.pool);
    await cp.ensureSharedShard();
    const phoneNumberIds = await seedTenants(cp);
    const resolver = createTenantResolver({
      controlPlane: cp,
      redis,
      keyPrefix: prefix,
      logger: createLogger({ level: 'silent' }),
    });
    const pick = (i: number) => phoneNumberIds[i % TENANTS] ?? '';
    // Warm-up: connections, JIT, prepared plans.
    for (let i = 0; i < 500; i += 1)
      await resolver.byWhatsappPhoneNumberId(pick(i));

    const uncached: number[] = [];
    for (let i = 0; i < LOOKUPS; i += 1) {
      const id = pick(i);
      await redis.del(mappingKey(prefix, { whatsappPhoneNumberId: id }));
      const start = performance.now();
      await resolver.byWhatsappPhoneNumberId(id);
      uncached.push(performance.now() - start);
    }
    const cached: number[] = [];
    for (let i = 0; i < LOOKUPS; i += 1) {
      const start = performance.now();
      await resolver.byWhatsappPhoneNumberId(pick(i));
      cached.push(performance.now() - start);
    }
    console.log(
      `tenant resolution, ${TENANTS} tenants, ${LOOKUPS} lookups each (ms)`,
    );
    console.log(
      `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
    );
    console.log('kind       lookups      p50      p99     mean');
    console.log(summary('uncached', uncached));
    console.log(summary('cached', cached));
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await cp.close();
    await serverQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

await main();
