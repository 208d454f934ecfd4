import { WakalaError } from '../shared/errors.ts';
import type { ControlPlane } from '../tenancy/index.ts';

/**
 * Refuses to serve from a control plane that was never migrated: every
 * request would fail later with a confusing "relation does not exist".
 */
export async function assertMigrated(
  controlPlane: ControlPlane,
): Promise<void> {
  try {
    await controlPlane.pool.query(
      'SELECT 1 FROM control.schema_migrations LIMIT 1',
    );
  } catch (cause) {
    throw new WakalaError(
      'startup.not_migrated',
      'The control plane in DATABASE_URL has no Wakala tables; run `npx wakala migrate` first.',
      { cause },
    );
  }
}
