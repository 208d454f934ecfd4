import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.ts';
import {
  createControlPlane,
  currentTenant,
  provisionTenant,
  tenantDb,
  withControlPlaneRls,
  withTenant,
  withTenantId,
  type ProvisionResult,
} from '../../src/tenancy/index.ts';
import {
  createTestControlPlane,
  TEST_SECRET_KEY,
  type TestControlPlane,
} from './control-plane-fixture.ts';

let fixture: TestControlPlane;
let shopA: ProvisionResult;
let shopB: ProvisionResult;

beforeAll(async () => {
  fixture = await createTestControlPlane('scope');
  // Both shops share an owner phone number on purpose: overlapping data.
  shopA = await provisionTenant(fixture.cp, {
    name: 'Shop A',
    tier: 'basic',
    ownerPhone: '+27825550001',
    whatsappPhoneNumberId: '7000001',
    whatsappNumber: '+27825550101',
  });
  shopB = await provisionTenant(fixture.cp, {
    name: 'Shop B',
    tier: 'basic',
    ownerPhone: '+27825550001',
    whatsappPhoneNumberId: '7000002',
    whatsappNumber: '+27825550102',
  });
});

afterAll(async () => {
  await fixture?.close();
});

async function setStatus(id: string, status: string): Promise<void> {
  await fixture.cp.pool.query(
    'UPDATE control.tenants SET status = $2 WHERE id = $1',
    [id, status],
  );
}

describe('withTenant', () => {
  describe('when work runs inside a tenant scope', () => {
    it('answers currentTenant and tenantDb for that tenant only', async () => {
      const seen = await withTenant(fixture.cp, shopA.tenant, async () => {
        await tenantDb().user.updateMany({ data: { displayName: 'Owner A' } });
        return {
          tenantId: currentTenant().id,
          names: (await tenantDb().user.findMany()).map(
            (user) => user.displayName,
          ),
        };
      });
      const inB = await withTenant(fixture.cp, shopB.tenant, () =>
        tenantDb().user.findMany(),
      );

      expect(seen).toEqual({ tenantId: shopA.tenant.id, names: ['Owner A'] });
      expect(inB.map((user) => user.displayName)).toEqual([null]);
    });

    it('refuses tenant data outside any scope', () => {
      expect(() => tenantDb()).toThrow(
        expect.objectContaining({ code: 'tenancy.no_context' }),
      );
    });
  });

  describe('when the tenant cache is smaller than the tenants in use', () => {
    it('evicts clients without closing the shard pool', async () => {
      const small = await createControlPlane({
        databaseUrl: fixture.database.url,
        secretKey: TEST_SECRET_KEY,
        logger: createLogger({ level: 'silent' }),
        maxTenantClients: 1,
      });
      try {
        for (const shop of [shopA, shopB, shopA, shopB]) {
          const count = await withTenant(small, shop.tenant, (db) =>
            db.category.count(),
          );
          expect(count).toBe(5);
        }
        expect(small.shards.cachedClientCount).toBe(1);
      } finally {
        await small.close();
      }
    });
  });
});

describe('withTenantId', () => {
  describe('when the tenant does not exist', () => {
    it('refuses with tenancy.tenant_not_found', async () => {
      await expect(
        withTenantId(fixture.cp, 'nosuchtenant', () => Promise.resolve(1)),
      ).rejects.toMatchObject({
        code: 'tenancy.tenant_not_found',
        httpStatus: 404,
      });
    });
  });

  describe('when the tenant is suspended', () => {
    it('refuses with tenancy.suspended', async () => {
      await setStatus(shopB.tenant.id, 'suspended');
      try {
        await expect(
          withTenantId(fixture.cp, shopB.tenant.id, () => Promise.resolve(1)),
        ).rejects.toMatchObject({
          code: 'tenancy.suspended',
          isRetryable: false,
        });
      } finally {
        await setStatus(shopB.tenant.id, 'active');
      }
    });
  });

  describe('when the tenant is being moved', () => {
    it('refuses with the retryable tenancy.moving', async () => {
      await setStatus(shopB.tenant.id, 'moving');
      try {
        await expect(
          withTenantId(fixture.cp, shopB.tenant.id, () => Promise.resolve(1)),
        ).rejects.toMatchObject({ code: 'tenancy.moving', isRetryable: true });
      } finally {
        await setStatus(shopB.tenant.id, 'active');
      }
    });
  });

  describe('when the tenant is active', () => {
    it('runs the work in its scope', async () => {
      const id = await withTenantId(fixture.cp, shopB.tenant.id, () =>
        Promise.resolve(currentTenant().id),
      );
      expect(id).toBe(shopB.tenant.id);
    });
  });
});

describe('withControlPlaneRls', () => {
  describe('when a query forgets its tenant filter', () => {
    it('still sees only the tenant own control rows', async () => {
      const seen = await withControlPlaneRls(
        fixture.cp,
        shopA.tenant.id,
        async (client) => {
          const ids = async (sql: string) =>
            (await client.query<{ id: string }>(sql)).rows.map((row) => row.id);
          return {
            tenants: await ids('SELECT id FROM control.tenants'),
            keys: await ids('SELECT tenant_id AS id FROM control.api_keys'),
            numbers: await ids(
              'SELECT tenant_id AS id FROM control.whatsapp_numbers',
            ),
          };
        },
      );
      const all = await fixture.cp.pool.query('SELECT id FROM control.tenants');

      expect(all.rows.length).toBeGreaterThanOrEqual(2);
      expect(seen).toEqual({
        tenants: [shopA.tenant.id],
        keys: [shopA.tenant.id],
        numbers: [shopA.tenant.id],
      });
    });

    it('refuses writes to tables the tenant role may only read', async () => {
      await expect(
        withControlPlaneRls(fixture.cp, shopA.tenant.id, (client) =>
          client.query(`UPDATE control.tenants SET name = 'x'`),
        ),
      ).rejects.toMatchObject({ code: '42501' });
    });
  });
});
