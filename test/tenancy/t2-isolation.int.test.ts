import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.ts';
import {
  adminErrorHandler,
  createAdminRouter,
} from '../../src/tenancy/admin-router.ts';
import { findApiKey } from '../../src/tenancy/api-keys.ts';
import { listAudit } from '../../src/tenancy/audit-log.ts';
import { provisionTenant } from '../../src/tenancy/provision-tenant.ts';
import {
  tenantDb,
  type ResolvedTenant,
} from '../../src/tenancy/tenant-context.ts';
import { withTenantId } from '../../src/tenancy/with-tenant.ts';
import {
  fillEveryTable,
  openTestControlPlane,
  type TestControlPlane,
} from './t2-support.ts';

const ADMIN_TOKEN = 'admin-token-for-isolation-tests-0123';
const logger = createLogger({ level: 'silent' });

/** The JSON answers of the admin API, as the tests read them. */
interface AdminBody {
  error: { code: string; message: string };
  id: string;
  slug: string;
  apiKey: string;
  tenants: Array<{ id: string; slug: string }>;
  tenant: Record<string, unknown>;
  entries: Array<Record<string, unknown>>;
}
const bodyOf = (res: { body: unknown }): AdminBody => res.body as AdminBody;

interface Shop {
  tenant: ResolvedTenant;
  apiKey: string;
}

/** The ids of B's rows that A's attempts aim at. */
interface ForeignIds {
  users: string[];
  products: string[];
  orders: string[];
  categories: string[];
}

/** B's rows as they are, to prove afterwards that nothing changed. */
async function snapshot(env: TestControlPlane, shop: Shop): Promise<string> {
  return withTenantId(env.cp, shop.tenant.id, async (db) =>
    JSON.stringify([
      await db.user.findMany({ orderBy: { phone: 'asc' } }),
      await db.product.findMany({ orderBy: { id: 'asc' } }),
      await db.order.findMany({ orderBy: { id: 'asc' } }),
      await db.category.findMany({ orderBy: { id: 'asc' } }),
    ]),
  );
}

/** Each attempt returns true when it saw or touched a foreign row. */
function attemptsOn(ids: ForeignIds): Array<[string, () => Promise<boolean>]> {
  const db = () => tenantDb();
  const rejects = async (work: () => Promise<unknown>) => {
    try {
      await work();
      return true;
    } catch {
      return false;
    }
  };
  return [
    [
      'user by id',
      async () =>
        (await db().user.findUnique({ where: { id: ids.users[0]! } })) !== null,
    ],
    [
      'users by ids',
      async () =>
        (await db().user.findMany({ where: { id: { in: ids.users } } }))
          .length > 0,
    ],
    [
      'product by id',
      async () =>
        (await db().product.findUnique({ where: { id: ids.products[0]! } })) !==
        null,
    ],
    [
      'products by ids',
      async () =>
        (await db().product.count({ where: { id: { in: ids.products } } })) > 0,
    ],
    [
      'order by id',
      async () =>
        (await db().order.findFirst({ where: { id: { in: ids.orders } } })) !==
        null,
    ],
    [
      'category by id',
      async () =>
        (await db().category.findUnique({
          where: { id: ids.categories[0]! },
        })) !== null,
    ],
    [
      'update user',
      () =>
        rejects(() =>
          db().user.update({
            where: { id: ids.users[0]! },
            data: { displayName: 'x' },
          }),
        ),
    ],
    [
      'update many users',
      async () =>
        (
          await db().user.updateMany({
            where: { id: { in: ids.users } },
            data: { role: 'admin' },
          })
        ).count > 0,
    ],
    [
      'update product price',
      () =>
        rejects(() =>
          db().product.update({
            where: { id: ids.products[0]! },
            data: { priceCents: 1 },
          }),
        ),
    ],
    [
      'update many orders',
      async () =>
        (
          await db().order.updateMany({
            where: { id: { in: ids.orders } },
            data: { status: 'cancelled' },
          })
        ).count > 0,
    ],
    [
      'delete many products',
      async () =>
        (await db().product.deleteMany({ where: { id: { in: ids.products } } }))
          .count > 0,
    ],
    [
      'delete order',
      () => rejects(() => db().order.delete({ where: { id: ids.orders[0]! } })),
    ],
    [
      'upsert user by id',
      async () => {
        const user = await db().user.upsert({
          where: { id: ids.users[0]! },
          create: { phone: '+27820000099' },
          update: { displayName: 'taken over' },
        });
        return user.id === ids.users[0];
      },
    ],
  ];
}

describe('tenant isolation', () => {
  let env: TestControlPlane;
  let shopA: Shop;
  let shopB: Shop;

  beforeAll(async () => {
    env = await openTestControlPlane('isolation');
    const make = async (name: string): Promise<Shop> => {
      // Same owner phone and the same rows in both: the data overlaps.
      const result = await provisionTenant(env.cp, {
        name,
        tier: 'basic',
        ownerPhone: '+27821239999',
      });
      await fillEveryTable(env.cp, result.tenant);
      return { tenant: result.tenant, apiKey: result.apiKey ?? '' };
    };
    shopA = await make('Shop Alpha');
    shopB = await make('Shop Beta');
  });

  afterAll(async () => {
    await env.close();
  });

  describe("when tenant A's scope aims at tenant B's rows by their ids", () => {
    it('reads nothing and changes nothing: zero leaks', async () => {
      const ids = await withTenantId(env.cp, shopB.tenant.id, async (db) => ({
        users: (await db.user.findMany()).map((u) => u.id),
        products: (await db.product.findMany()).map((p) => p.id),
        orders: (await db.order.findMany()).map((o) => o.id),
        categories: (await db.category.findMany()).map((c) => c.id),
      }));
      const before = await snapshot(env, shopB);
      const attempts = attemptsOn(ids);
      const leaks: string[] = [];
      await withTenantId(env.cp, shopA.tenant.id, async () => {
        for (const [name, attempt] of attempts)
          if (await attempt()) leaks.push(name);
      });
      expect(attempts.length).toBe(13);
      expect(leaks).toEqual([]);
      expect(await snapshot(env, shopB)).toBe(before);
    });

    it('sees the same phone numbers and product names only as its own rows', async () => {
      const [a, b] = await Promise.all(
        [shopA, shopB].map((shop) =>
          withTenantId(env.cp, shop.tenant.id, () =>
            tenantDb().user.findUniqueOrThrow({
              where: { phone: '+27820000001' },
            }),
          ),
        ),
      );
      expect(a?.id).not.toBe(b?.id);
    });
  });

  describe("when tenant A's API key asks the admin API for tenant B", () => {
    let app: express.Express;

    beforeAll(() => {
      app = express();
      app.use(express.json());
      app.use(
        '/admin',
        createAdminRouter({
          controlPlane: env.cp,
          adminToken: ADMIN_TOKEN,
          logger,
        }),
      );
      app.use(adminErrorHandler(logger));
    });

    it('answers 403 on every B resource and writes each attempt to the audit log', async () => {
      const auth = { Authorization: `Bearer ${shopA.apiKey}` };
      const paths = [
        `/admin/tenants/${shopB.tenant.slug}`,
        `/admin/tenants/${shopB.tenant.slug}/audit`,
      ];
      for (const path of paths) {
        const res = await request(app).get(path).set(auth);
        expect(res.status).toBe(403);
        expect(bodyOf(res).error.code).toBe('admin.forbidden_tenant');
      }
      const key = await findApiKey(env.cp, shopA.apiKey);
      const refusals = (await listAudit(env.cp, shopA.tenant.id)).filter(
        (entry) => entry.outcome === 'refused',
      );
      expect(refusals).toHaveLength(2);
      for (const entry of refusals) {
        expect(entry).toMatchObject({
          actor: `apikey:${key?.id}`,
          target: shopB.tenant.slug,
        });
      }
      const list = await request(app).get('/admin/tenants').set(auth);
      expect(bodyOf(list).tenants.map((t: { id: string }) => t.id)).toEqual([
        shopA.tenant.id,
      ]);
    });
  });
});
