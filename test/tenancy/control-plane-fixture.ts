import { createLogger } from '../../src/shared/logger.ts';
import {
  createControlPlane,
  migrateControlPlane,
  type ControlPlane,
} from '../../src/tenancy/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/services.ts';

/** Secret key of the test control planes (at least 32 characters). */
export const TEST_SECRET_KEY = 'test-secret-key-0123456789-abcdefghij';

/** A migrated control plane on a fresh database, for one test file. */
export interface TestControlPlane {
  cp: ControlPlane;
  database: TestDatabase;
  /** Another control plane on the same database, as a second process has. */
  openAnother(): Promise<ControlPlane>;
  /** Closes every control plane opened and drops the databases. */
  close(): Promise<void>;
}

/** Creates a database, opens a control plane on it and migrates it. */
export async function createTestControlPlane(
  label: string,
  options: { migrate?: boolean } = {},
): Promise<TestControlPlane> {
  const database = await createTestDatabase(label);
  const opened: ControlPlane[] = [];
  const open = async (): Promise<ControlPlane> => {
    const cp = await createControlPlane({
      databaseUrl: database.url,
      secretKey: TEST_SECRET_KEY,
      logger: createLogger({ level: 'silent' }),
      poolSize: 5,
    });
    opened.push(cp);
    return cp;
  };
  const cp = await open();
  if (options.migrate !== false) {
    await migrateControlPlane(cp.pool);
    await cp.ensureSharedShard();
  }
  return {
    cp,
    database,
    openAnother: open,
    async close() {
      for (const each of opened) await each.close();
      await database.drop();
    },
  };
}
