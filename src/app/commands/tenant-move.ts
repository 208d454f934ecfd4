import { parseArgs } from 'node:util';
import {
  moveTenantToDedicated,
  writeAudit,
  type ControlPlane,
} from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';
import { withControlPlane } from './migrate.ts';
import { CACHE_NOT_INVALIDATED, openInvalidator } from './resolution-cache.ts';

const USAGE = 'Usage: wakala tenant move <slug> --to dedicated';

/**
 * `wakala tenant move <slug> --to dedicated`: moves a shop from its shared
 * shard into a database of its own (a tier upgrade), printing progress and
 * the verified row count of every table. The old schema is kept, renamed,
 * until `wakala tenant purge-old`. With REDIS_URL set, the resolution cache
 * is invalidated (keys under WAKALA_REDIS_PREFIX, default `wakala`).
 */
export async function runTenantMove(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  const slug = parseMoveArgs(argv, io);
  if (slug === undefined) return 2;
  return withControlPlane(io, async (cp) => {
    const resolver = openInvalidator(cp, io);
    if (!resolver) io.out(CACHE_NOT_INVALIDATED);
    try {
      const report = await moveTenantToDedicated(cp, slug, {
        ...(resolver ? { resolver: resolver.invalidator } : {}),
        onProgress: (line) => io.out(line),
      }).catch(async (error: unknown) => {
        await audit(cp, slug, 'failed');
        throw error;
      });
      await audit(cp, slug, 'allowed', report.tenantId);
      io.out('table                          old rows   new rows');
      for (const count of report.tables) {
        io.out(
          `${count.table.padEnd(30)} ${String(count.sourceRows).padStart(8)}   ${String(count.targetRows).padStart(8)}`,
        );
      }
      io.out(
        `tenant ${report.slug} moved: tier ${report.tier}, shard ${report.toShardId}`,
      );
      io.out(
        `old schema kept as ${report.oldSchemaName}; remove it with wakala tenant purge-old ${report.slug}`,
      );
      return 0;
    } finally {
      resolver?.close();
    }
  });
}

function parseMoveArgs(argv: string[], io: CommandIo): string | undefined {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { to: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
    const [slug, ...rest] = positionals;
    if (!slug || rest.length > 0) {
      io.err(`Name exactly one tenant slug. ${USAGE}`);
      return undefined;
    }
    if (values.to !== 'dedicated') {
      io.err(
        `--to must be "dedicated"; only moves to a dedicated database exist. ${USAGE}`,
      );
      return undefined;
    }
    return slug;
  } catch (error) {
    io.err(`${(error as Error).message}. ${USAGE}`);
    return undefined;
  }
}

async function audit(
  cp: ControlPlane,
  slug: string,
  outcome: 'allowed' | 'failed',
  tenantId?: string,
): Promise<void> {
  await writeAudit(cp, {
    tenantId: tenantId ?? null,
    actor: 'cli',
    action: 'tenant.move',
    outcome,
    target: slug,
  }).catch(() => undefined);
}
