import pg from 'pg';
import { Redis } from 'ioredis';
import { TEST_POSTGRES_URL, TEST_REDIS_URL } from './support/services.ts';

/**
 * Fails the run early, with a message saying what to start, when PostgreSQL
 * or Redis is not reachable; otherwise every integration suite would fail
 * with its own connection error.
 */
export default async function checkServices(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL}; start it (see README, "Running the tests").`,
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }

  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${TEST_REDIS_URL}; start it (see README, "Running the tests").`,
      { cause: error },
    );
  } finally {
    redis.disconnect();
  }
}
