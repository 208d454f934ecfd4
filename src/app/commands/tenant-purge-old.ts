import { parseArgs } from 'node:util';
import { purgeOldPlacement, writeAudit } from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';
import { withControlPlane } from './migrate.ts';

const USAGE = 'Usage: wakala tenant purge-old <slug>';

/**
 * `wakala tenant purge-old <slug>`: drops the old schema a move kept for
 * roll-back. Run it once the tenant is known to work in its new database;
 * after it, the move cannot be undone.
 */
export async function runTenantPurgeOld(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  let slug: string | undefined;
  try {
    const { positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) {
      io.err(`Name exactly one tenant slug. ${USAGE}`);
      return 2;
    }
    slug = positionals[0];
  } catch (error) {
    io.err(`${(error as Error).message}. ${USAGE}`);
    return 2;
  }
  const target = slug ?? '';
  return withControlPlane(io, async (cp) => {
    const purged = await purgeOldPlacement(cp, target);
    await writeAudit(cp, {
      actor: 'cli',
      action: 'tenant.purge_old',
      outcome: 'allowed',
      target,
      detail: { shardId: purged.shardId, schemaName: purged.schemaName },
    });
    io.out(
      `dropped old schema ${purged.schemaName} on shard ${purged.shardId}`,
    );
    return 0;
  });
}
