import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { WakalaError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import {
  controlPlaneSettingsFromEnv,
  createControlPlane,
  migrateAll,
  type ControlPlane,
} from '../../tenancy/index.ts';
import type { CommandIo } from './command-io.ts';

/**
 * `wakala migrate [--concurrency N]`: applies pending migrations to the
 * control plane and then to every tenant schema on every shard, printing
 * progress. Safe to re-run and to run from two processes at once.
 */
export async function runMigrate(
  argv: string[],
  io: CommandIo,
): Promise<number> {
  let concurrency: number;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { concurrency: { type: 'string', default: '4' } },
      strict: true,
      allowPositionals: false,
    });
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      io.err('--concurrency must be a whole number from 1 to 64.');
      return 2;
    }
  } catch (error) {
    io.err(
      `${(error as Error).message}. Usage: wakala migrate [--concurrency N]`,
    );
    return 2;
  }
  return withControlPlane(io, async (cp) => {
    let lastPrinted = 0;
    const report = await migrateAll(cp, {
      concurrency,
      onProgress: ({ completed, total }) => {
        // A line per tenant would flood a large installation's terminal.
        const step = Math.max(1, Math.ceil(total / 20));
        if (completed === total || completed - lastPrinted >= step) {
          lastPrinted = completed;
          io.out(`migrated ${completed}/${total} tenant schemas`);
        }
      },
    });
    io.out(
      report.control.length > 0
        ? `control plane: applied ${report.control.join(', ')}`
        : 'control plane: up to date',
    );
    io.out(
      `tenant schemas: ${report.migratedSchemas} migrated, ${report.tenantSchemas - report.migratedSchemas} already up to date (${Math.round(report.durationMs)} ms)`,
    );
    return 0;
  });
}

/**
 * Opens the control plane from io.env, runs `fn`, closes it, and turns a
 * WakalaError into its message on stderr and a non-zero exit code. Shared
 * by the tenant commands of this folder.
 */
export async function withControlPlane(
  io: CommandIo,
  fn: (cp: ControlPlane) => Promise<number>,
): Promise<number> {
  let cp: ControlPlane;
  try {
    const settings = controlPlaneSettingsFromEnv(io.env);
    const logger = createLogger({
      level: io.env.LOG_LEVEL ?? 'warn',
      destination: pino.destination(2),
    });
    cp = await createControlPlane({ ...settings, logger });
  } catch (error) {
    io.err(describe(error));
    return 2;
  }
  try {
    return await fn(cp);
  } catch (error) {
    io.err(describe(error));
    return error instanceof WakalaError && error.httpStatus < 500 ? 2 : 1;
  } finally {
    await cp.close();
  }
}

function describe(error: unknown): string {
  if (error instanceof WakalaError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return `Unexpected error: ${error.message}`;
  return 'Unexpected error.';
}
