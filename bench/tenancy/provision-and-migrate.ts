// Times tenant provisioning and a full `wakala migrate` over many tenant
// schemas, on a throw-away database. Run:
//   node --import tsx bench/tenancy/provision-and-migrate.ts [--schemas 1000] [--concurrency 4]
// BENCH_POSTGRES_URL names the server (default postgres://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createLogger } from '../../src/shared/logger.ts';
import {
  createControlPlane,
  migrateAll,
  migrateControlPlane,
  provisionTenant,
  type ControlPlane,
} from '../../src/tenancy/index.ts';

const SERVER =
  process.env.BENCH_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

const { values } = parseArgs({
  options: {
    schemas: { type: 'string', default: '1000' },
    provisions: { type: 'string', default: '20' },
    dedicated: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '4' },
  },
});
const SCHEMAS = Number(values.schemas);
const PROVISIONS = Number(values.provisions);
const DEDICATED = Number(values.dedicated);
const CONCURRENCY = Number(values.concurrency);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.ceil((p / 100) * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

async function timeProvisioning(
  cp: ControlPlane,
  tier: 'basic' | 'premium',
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await provisionTenant(cp, {
      name: `Bench ${tier} ${index}`,
      tier,
      ownerPhone: `+2782${String(1_000_000 + index).padStart(7, '0')}`,
    });
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** Tenant rows and empty schemas: every tenant migration is pending. */
async function createPendingSchemas(
  cp: ControlPlane,
  count: number,
): Promise<void> {
  const ids = Array.from(
    { length: count },
    (_, index) => `m${index.toString().padStart(5, '0')}`,
  );
  await cp.pool.query(
    `INSERT INTO control.tenants (id, slug, name, tier, status, shard_id, schema_name, owner_phone)
     SELECT id, 'bench-' || id, 'Bench ' || id, 'basic', 'active', 'shared-1',
            'tenant_' || id, '+27820000000'
       FROM unnest($1::text[]) AS id`,
    [ids],
  );
  for (let start = 0; start < ids.length; start += 200) {
    const batch = ids.slice(start, start + 200);
    await cp.pool.query(
      batch.map((id) => `CREATE SCHEMA "tenant_${id}";`).join('\n'),
    );
  }
}

async function main(): Promise<void> {
  const database = `wakala_bench_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${database}"`);
  const url = new URL(SERVER);
  url.pathname = `/${database}`;
  const cp = await createControlPlane({
    databaseUrl: url.toString(),
    secretKey: 'bench-secret-key-0123456789-abcdefghijkl',
    logger: createLogger({ level: 'silent' }),
  });
  try {
    await migrateControlPlane(cp.pool);
    await cp.ensureSharedShard();
    const basic = await timeProvisioning(cp, 'basic', PROVISIONS);
    const premium = await timeProvisioning(cp, 'premium', DEDICATED);
    // The provisioned tenants stay; their schemas are already up to date,
    // so the run applies migrations only to the schemas made for it.
    await createPendingSchemas(cp, SCHEMAS);
    const started = performance.now();
    const report = await migrateAll(cp, { concurrency: CONCURRENCY });
    const migrateMs = performance.now() - started;

    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    console.log(
      `machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    );
    console.log('');
    console.log('| measurement | n | median | p95 |');
    console.log('| --- | --- | --- | --- |');
    const row = (label: string, times: number[]) =>
      console.log(
        `| ${label} | ${times.length} | ${Math.round(percentile(times, 50))} ms | ${Math.round(percentile(times, 95))} ms |`,
      );
    row('provision basic tenant (shared shard)', basic);
    row('provision premium tenant (new database)', premium);
    console.log(
      `| migrate ${report.migratedSchemas} pending tenant schemas (of ${report.tenantSchemas}, concurrency ${CONCURRENCY}) | 1 | ${(migrateMs / 1000).toFixed(1)} s total | ${(migrateMs / Math.max(1, report.migratedSchemas)).toFixed(1)} ms per schema |`,
    );
  } finally {
    await cp.close();
    const client = new pg.Client({ connectionString: SERVER });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [database, `${database}\\_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.end();
  }
}

await main();
