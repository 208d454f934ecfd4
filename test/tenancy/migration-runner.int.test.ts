import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultMigrationsDir,
  loadMigrations,
  migrateAll,
  migrateControlPlane,
  migrateTenantSchema,
  MigrationError,
  type ControlPlane,
} from '../../src/tenancy/index.ts';
import {
  createTestControlPlane,
  type TestControlPlane,
} from './control-plane-fixture.ts';

const TENANT_FIRST = '0001_tenant_data.sql';
/** Every shipped tenant version; other work adds files, so read them. */
const tenantVersions = async (): Promise<string[]> =>
  (await loadMigrations(defaultMigrationsDir('tenant'))).map(
    (file) => file.version,
  );

async function insertTenants(cp: ControlPlane, ids: string[]): Promise<void> {
  await cp.pool.query(
    `INSERT INTO control.tenants (id, slug, name, tier, status, shard_id, schema_name, owner_phone)
     SELECT id, 'shop-' || id, 'Shop ' || id, 'basic', 'active', 'shared-1',
            'tenant_' || id, '+27820000000'
       FROM unnest($1::text[]) AS id`,
    [ids],
  );
}

async function appliedVersions(
  cp: ControlPlane,
  schema: string,
): Promise<string[]> {
  const { rows } = await cp.pool.query<{ version: string }>(
    `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
  );
  return rows.map((row) => row.version);
}

async function tableExists(cp: ControlPlane, schema: string, table: string) {
  const { rows } = await cp.pool.query(
    'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
    [schema, table],
  );
  return rows.length > 0;
}

describe('migration runner', () => {
  let fixture: TestControlPlane;
  let tempDir: string;

  beforeAll(async () => {
    fixture = await createTestControlPlane('migrate', { migrate: false });
    tempDir = await mkdtemp(join(tmpdir(), 'wakala-migrations-'));
  });

  afterAll(async () => {
    await fixture?.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  describe('when the control plane is migrated twice', () => {
    it('applies every file once and nothing the second time', async () => {
      const first = await migrateControlPlane(fixture.cp.pool);
      const second = await migrateControlPlane(fixture.cp.pool);
      expect(first).toEqual([
        '0001_control_plane.sql',
        '0002_whatsapp_number_rate.sql',
      ]);
      expect(second).toEqual([]);
      expect(await appliedVersions(fixture.cp, 'control')).toEqual(first);
    });
  });

  describe('when a tenant schema is migrated twice', () => {
    it('creates the schema, applies the files, then does nothing', async () => {
      const first = await migrateTenantSchema(fixture.cp.pool, 'tenant_twice1');
      const second = await migrateTenantSchema(
        fixture.cp.pool,
        'tenant_twice1',
      );
      expect(first).toEqual(await tenantVersions());
      expect(first[0]).toBe(TENANT_FIRST);
      expect(second).toEqual([]);
      expect(await tableExists(fixture.cp, 'tenant_twice1', 'orders')).toBe(
        true,
      );
    });
  });

  describe('when an applied file was changed', () => {
    it('refuses with an error naming schema and file', async () => {
      const original = join(tempDir, 'original');
      const changed = join(tempDir, 'changed');
      for (const [dir, sql] of [
        [original, 'CREATE TABLE notes (id int);'],
        [changed, 'CREATE TABLE notes (id bigint);'],
      ] as const) {
        await import('node:fs/promises').then((fs) => fs.mkdir(dir));
        await writeFile(join(dir, '0001_notes.sql'), sql);
      }
      await migrateTenantSchema(fixture.cp.pool, 'tenant_checksum1', {
        migrationsDir: original,
      });
      const error = await migrateTenantSchema(
        fixture.cp.pool,
        'tenant_checksum1',
        {
          migrationsDir: changed,
        },
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).code).toBe(
        'migration.checksum_mismatch',
      );
      expect((error as Error).message).toContain('tenant_checksum1');
      expect((error as Error).message).toContain('0001_notes.sql');
    });
  });

  describe('when a tenant migration is broken', () => {
    it('stops naming tenant and file and leaves the schema at its previous version', async () => {
      const broken = join(tempDir, 'broken');
      await import('node:fs/promises').then((fs) => fs.mkdir(broken));
      await copyFile(
        join(defaultMigrationsDir('tenant'), TENANT_FIRST),
        join(broken, TENANT_FIRST),
      );
      await writeFile(
        join(broken, '0002_add_loyalty.sql'),
        'CREATE TABLE loyalty (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
      );
      await migrateControlPlane(fixture.cp.pool);
      await fixture.cp.ensureSharedShard();
      await insertTenants(fixture.cp, ['brk1']);
      await migrateTenantSchema(fixture.cp.pool, 'tenant_brk1', {
        migrationsDir: broken,
      }).catch(() => undefined);

      const error = await migrateAll(fixture.cp, {
        migrationsDirs: { tenant: broken },
      }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(MigrationError);
      const message = (error as Error).message;
      expect(message).toContain('tenant brk1');
      expect(message).toContain('slug shop-brk1');
      expect(message).toContain('0002_add_loyalty.sql');
      expect(await appliedVersions(fixture.cp, 'tenant_brk1')).toEqual([
        TENANT_FIRST,
      ]);
      expect(await tableExists(fixture.cp, 'tenant_brk1', 'loyalty')).toBe(
        false,
      );
      await fixture.cp.pool.query(
        `DELETE FROM control.tenants WHERE id = 'brk1'`,
      );
    });
  });
});

describe('migrateAll', () => {
  describe('when two runs go at once over 50 tenant schemas', () => {
    let fixture: TestControlPlane;

    beforeAll(async () => {
      fixture = await createTestControlPlane('migrate_par');
    });

    afterAll(async () => {
      await fixture?.close();
    });

    it('ends with every schema at the latest version and no error', async () => {
      const ids = Array.from({ length: 50 }, (_, index) => `par${index}`);
      await insertTenants(fixture.cp, ids);
      const other = await fixture.openAnother();
      const progress: number[] = [];

      const [first, second] = await Promise.all([
        migrateAll(fixture.cp, {
          concurrency: 4,
          onProgress: (p) => progress.push(p.completed),
        }),
        migrateAll(other, { concurrency: 4 }),
      ]);

      expect(first.tenantSchemas).toBe(50);
      expect(second.tenantSchemas).toBe(50);
      // Each file was applied exactly once, by one runner or the other.
      const latest = await tenantVersions();
      const applied = [...first.applied, ...second.applied].flatMap(
        (entry) => entry.versions,
      );
      expect(applied).toHaveLength(50 * latest.length);
      expect(progress).toHaveLength(50);
      const { rows } = await fixture.cp.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM information_schema.tables
          WHERE table_schema LIKE 'tenant_par%' AND table_name = 'schema_migrations'`,
      );
      expect(Number(rows[0]?.n)).toBe(50);
      for (const id of ids) {
        expect(await appliedVersions(fixture.cp, `tenant_${id}`)).toEqual(
          latest,
        );
      }
    });
  });
});
