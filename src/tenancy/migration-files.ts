import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WakalaError } from '../shared/errors.ts';

/** Which set of migrations: the control plane or one tenant schema. */
export type MigrationKind = 'control' | 'tenant';

/** One SQL migration file; its version is the file name. */
export interface MigrationFile {
  version: string;
  sql: string;
  /** SHA-256 (hex) of the file's bytes, stored when it is applied. */
  checksum: string;
}

const FILE_NAME = /^[0-9]{4}_[a-z0-9_]+\.sql$/;

/** The folder holding the migrations of `kind` shipped with Wakala. */
export function defaultMigrationsDir(kind: MigrationKind): string {
  return fileURLToPath(
    new URL(`../../prisma/migrations/${kind}`, import.meta.url),
  );
}

const cache = new Map<string, Promise<MigrationFile[]>>();

/**
 * Reads the migrations of a folder in version order. Files are read once per
 * process: migrating a thousand schemas must not re-read them a thousand
 * times, and a file changing under a running process would be a bug anyway.
 */
export function loadMigrations(dir: string): Promise<MigrationFile[]> {
  let loaded = cache.get(dir);
  if (!loaded) {
    loaded = readMigrations(dir);
    cache.set(dir, loaded);
    loaded.catch(() => cache.delete(dir));
  }
  return loaded;
}

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw new WakalaError(
      'migration.dir_missing',
      `The migrations folder ${dir} could not be read; check the installation.`,
      { cause },
    );
  }
  const sqlNames = names.filter((name) => name.endsWith('.sql')).sort();
  const misnamed = sqlNames.find((name) => !FILE_NAME.test(name));
  if (misnamed !== undefined) {
    throw new WakalaError(
      'migration.bad_name',
      `Migration file ${misnamed} in ${dir} is not named NNNN_lower_snake.sql; rename it.`,
    );
  }
  return Promise.all(
    sqlNames.map(async (version) => {
      const bytes = await readFile(join(dir, version));
      return {
        version,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    }),
  );
}
