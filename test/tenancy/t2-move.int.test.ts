import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode } from '../../src/shared/errors.ts';
import { provisionTenant } from '../../src/tenancy/provision-tenant.ts';
import { tablesInFkOrder } from '../../src/tenancy/schema-copy.ts';
import {
  getTenantById,
  toResolvedTenant,
} from '../../src/tenancy/tenant-directory.ts';
import {
  moveTenantToDedicated,
  purgeOldPlacement,
} from '../../src/tenancy/tenant-move.ts';
import { withTenant, withTenantId } from '../../src/tenancy/with-tenant.ts';
import type { ResolvedTenant } from '../../src/tenancy/tenant-context.ts';
import {
  countRows,
  fillEveryTable,
  openTestControlPlane,
  type TestControlPlane,
} from './t2-support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Inserts users until stopped, retrying while the tenant is moving. */
function startWriter(env: TestControlPlane, tenantId: string) {
  const state = {
    acked: 0,
    refused: 0,
    failures: [] as unknown[],
    stop: false,
  };
  const done = (async () => {
    while (!state.stop) {
      const phone = `+2783${String(1_000_000 + state.acked).padStart(7, '0')}`;
      try {
        await withTenantId(env.cp, tenantId, (db) =>
          db.user.create({ data: { phone } }),
        );
        state.acked += 1;
      } catch (error) {
        if (errorCode(error) === 'tenancy.moving') state.refused += 1;
        else state.failures.push(error);
        await sleep(5);
      }
    }
  })();
  return { state, done };
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i += 1) await sleep(10);
}

describe('moveTenantToDedicated', () => {
  let env: TestControlPlane;
  let tables: string[];

  async function provisionFilled(
    name: string,
    phone: string,
  ): Promise<ResolvedTenant> {
    const { tenant } = await provisionTenant(env.cp, {
      name,
      tier: 'basic',
      ownerPhone: phone,
    });
    await fillEveryTable(env.cp, tenant);
    return tenant;
  }

  beforeAll(async () => {
    env = await openTestControlPlane('move');
  });

  afterAll(async () => {
    await env.close();
  });

  describe('when a basic tenant with rows in every table moves while a writer writes', () => {
    let tenant: ResolvedTenant;
    let before: Record<string, number>;
    let writer: ReturnType<typeof startWriter>;
    let report: Awaited<ReturnType<typeof moveTenantToDedicated>>;
    let staleWrite: Promise<string> | undefined;

    beforeAll(async () => {
      tenant = await provisionFilled('Mama Thandi Spaza', '+27821230001');
      const sharedPool = await env.cp.shards.poolFor(tenant.shardId);
      tables = await tablesInFkOrder(sharedPool, tenant.schemaName);
      before = await countRows(
        env.cp,
        tenant.shardId,
        tenant.schemaName,
        tables,
      );
      writer = startWriter(env, tenant.id);
      await waitFor(() => writer.state.acked >= 5);
      report = await moveTenantToDedicated(env.cp, tenant.slug, {
        onProgress: (line) => {
          // A writer holding the old placement (a stale cache) arrives
          // after the drain: it must wait, then fail, never be lost.
          if (line.startsWith('writes drained')) {
            staleWrite = withTenant(env.cp, tenant, (db) =>
              db.user.create({ data: { phone: '+27839999999' } }),
            ).then(
              () => 'written',
              () => 'refused',
            );
          }
        },
      });
      const ackedAtSwitch = writer.state.acked;
      await waitFor(() => writer.state.acked >= ackedAtSwitch + 5);
      writer.state.stop = true;
      await writer.done;
    });

    it('had rows in every table before the move', () => {
      const empty = tables.filter((table) => (before[table] ?? 0) === 0);
      expect(empty, 'extend fillEveryTable for these tables').toEqual([]);
      expect(tables.length).toBeGreaterThanOrEqual(12);
    });

    it('keeps every row: new count = old count + acknowledged writes', async () => {
      const after = await countRows(
        env.cp,
        report.toShardId,
        tenant.schemaName,
        tables,
      );
      const expected = {
        ...before,
        users: (before.users ?? 0) + writer.state.acked,
      };
      expect(after).toEqual(expected);
      expect(writer.state.failures).toEqual([]);
      expect(writer.state.refused).toBeGreaterThan(0);
    });

    it('reports verified counts for every table', () => {
      expect(report.tables.map((t) => t.table).sort()).toEqual(
        [...tables].sort(),
      );
      for (const count of report.tables)
        expect(count.targetRows).toBe(count.sourceRows);
    });

    it('refuses the stale writer that arrived during the copy', async () => {
      expect(await staleWrite).toBe('refused');
    });

    it('switches routing to a dedicated shard, premium, active, with the old schema kept', async () => {
      const row = await getTenantById(env.cp, tenant.id);
      expect(row).toMatchObject({
        shardId: `dedicated-${tenant.id}`,
        tier: 'premium',
        status: 'active',
        previousShardId: 'shared-1',
        previousSchemaName: report.oldSchemaName,
      });
      const old = await countRows(env.cp, 'shared-1', report.oldSchemaName, [
        'users',
      ]);
      expect(old.users).toBeGreaterThan(0);
    });

    it('continues the order numbers where the old sequence stood', async () => {
      const number = await withTenantId(env.cp, tenant.id, async (db) => {
        const customer = await db.user.findFirstOrThrow({
          where: { role: 'customer' },
        });
        const order = await db.order.create({
          data: {
            customerId: customer.id,
            fulfilment: 'collection',
            paymentMethod: 'cash',
            subtotalCents: 100,
            totalCents: 100,
            channel: 'ussd',
            idempotencyKey: 'after-move',
          },
        });
        return order.number;
      });
      expect(number).toBe(5);
    });

    it('drops the old schema on purge-old and forgets it', async () => {
      const purged = await purgeOldPlacement(env.cp, tenant.slug);
      expect(purged.schemaName).toBe(report.oldSchemaName);
      const { rows } = await env.cp.pool.query(
        'SELECT 1 FROM pg_namespace WHERE nspname = $1',
        [report.oldSchemaName],
      );
      expect(rows).toEqual([]);
      const row = await getTenantById(env.cp, tenant.id);
      expect(row?.previousSchemaName).toBeNull();
      await expect(
        purgeOldPlacement(env.cp, tenant.slug),
      ).rejects.toMatchObject({
        code: 'tenancy.no_old_placement',
      });
    });

    it('refuses to move it again', async () => {
      await expect(
        moveTenantToDedicated(env.cp, tenant.slug),
      ).rejects.toMatchObject({
        code: 'tenancy.already_dedicated',
      });
    });
  });

  describe('when the move fails half-way', () => {
    it('leaves the tenant active where it was and drops the new database', async () => {
      const tenant = await provisionFilled('Kasi Kota', '+27821230002');
      const before = await countRows(
        env.cp,
        tenant.shardId,
        tenant.schemaName,
        ['users'],
      );
      await expect(
        moveTenantToDedicated(env.cp, tenant.slug, { failAfterStep: 'copy' }),
      ).rejects.toMatchObject({ code: 'tenancy.move_failed' });
      const row = await getTenantById(env.cp, tenant.id);
      expect(toResolvedTenant(row!)).toMatchObject({
        status: 'active',
        shardId: 'shared-1',
      });
      const databases = await env.cp.pool.query(
        'SELECT 1 FROM pg_database WHERE datname = $1',
        [`${env.cp.controlDatabaseName}_t_${tenant.id}`],
      );
      expect(databases.rows).toEqual([]);
      const shards = await env.cp.pool.query(
        "SELECT id FROM control.shards WHERE kind = 'dedicated'",
      );
      expect(shards.rows).toEqual([
        { id: `dedicated-${await firstMovedId(env)}` },
      ]);
      await withTenantId(env.cp, tenant.id, (db) =>
        db.user.create({ data: { phone: '+27838888888' } }),
      );
      const after = await countRows(env.cp, 'shared-1', tenant.schemaName, [
        'users',
      ]);
      expect(after.users).toBe((before.users ?? 0) + 1);
    });
  });

  describe('when the tenant cannot be moved', () => {
    it('names an unknown slug', async () => {
      await expect(
        moveTenantToDedicated(env.cp, 'no-such-shop'),
      ).rejects.toMatchObject({
        code: 'tenancy.tenant_not_found',
      });
    });
  });
});

async function firstMovedId(env: TestControlPlane): Promise<string> {
  const { rows } = await env.cp.pool.query<{ id: string }>(
    "SELECT id FROM control.tenants WHERE tier = 'premium'",
  );
  return rows[0]?.id ?? '';
}
