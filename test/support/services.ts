import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Server the integration tests use; override with TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

/** Redis the integration tests use; override with TEST_REDIS_URL. */
export const TEST_REDIS_URL =
  process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short random suffix for names that must not collide between runs. */
export function uniqueSuffix(): string {
  return randomBytes(5).toString('hex');
}

/** Returns `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops this database and every database whose name starts with it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database for one test file. Databases the code under
 * test creates (dedicated tenant databases) are named with this database's
 * name as prefix, so `drop()` removes them too.
 */
export async function createTestDatabase(
  label = 'test',
): Promise<TestDatabase> {
  const name = `wakala_${label}_${uniqueSuffix()}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(TEST_POSTGRES_URL, name),
    drop: () => dropDatabasesWithPrefix(name),
  };
}

async function dropDatabasesWithPrefix(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [prefix, `${prefix}\\_%`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
