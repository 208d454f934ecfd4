import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as commerce from '../../src/commerce/index.ts';
import * as privacy from '../../src/privacy/index.ts';
import { provisionTenant } from '../../src/tenancy/provision-tenant.ts';
import type { ResolvedTenant } from '../../src/tenancy/tenant-context.ts';
import { withTenantId } from '../../src/tenancy/with-tenant.ts';
import { openTestControlPlane, type TestControlPlane } from './t2-support.ts';

// Both shops know the same customer number, sell the same product names
// (the demo catalogue) and keep consent for the same contact hash.
const SHARED_PHONE = '+27821110000';
const CONTACT_HASH = 'ab'.repeat(8);

/** Exports that never touch the database (pure helpers): nothing to leak. */
const PURE_EXPORTS = ['toProductSummary', 'rankProducts', 'searchWords'];

/** Tenant B's ids that A's calls aim at. */
interface ForeignIds {
  userId: string;
  productIds: string[];
  categoryIds: string[];
  orderIds: string[];
  orderKey: string;
}

/** An attempt returns true when it saw or touched one of B's rows. */
type Attempt = () => Promise<boolean>;

/** One shop, filled through the commerce API itself. */
async function fillShop(
  env: TestControlPlane,
  tenant: ResolvedTenant,
  label: string,
): Promise<void> {
  await withTenantId(env.cp, tenant.id, async () => {
    await commerce.seedDemoCatalogue();
    const user = await commerce.ensureCustomer(SHARED_PHONE, {
      language: 'zu',
    });
    const [bread] = await commerce.searchProducts('White bread 700g');
    await commerce.addToCart(user.id, bread!.id, 2);
    await commerce.placeOrder({
      userId: user.id,
      fulfilment: 'collection',
      paymentMethod: 'cash',
      channel: 'whatsapp',
      idempotencyKey: `${label}-order-1`,
    });
    // A cart left open, so clearing or changing it would show.
    await commerce.addToCart(user.id, bread!.id, 1);
    await privacy.recordConsent({
      contactHash: CONTACT_HASH,
      userId: user.id,
      purpose: 'processing',
      isGranted: label === 'b',
      noticeVersion: 'v1',
      channel: 'whatsapp',
    });
  });
}

/** Every row of every table of one schema, as JSON text. */
async function snapshot(
  env: TestControlPlane,
  tenant: ResolvedTenant,
): Promise<string> {
  const pool = await env.cp.shards.poolFor(tenant.shardId);
  const { rows: tables } = await pool.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`,
    [tenant.schemaName],
  );
  const dump: Record<string, unknown> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query<{ j: unknown }>(
      `SELECT coalesce(json_agg(t ORDER BY row_to_json(t)::text), '[]') AS j
       FROM "${tenant.schemaName}"."${name}" t`,
    );
    dump[name] = rows[0]?.j;
  }
  return JSON.stringify(dump);
}

/** A's calls with B's ids, by exported function name. */
function attemptsOn(b: ForeignIds, ownProductId: string) {
  const isB = (id: string | undefined) =>
    id !== undefined &&
    [b.userId, ...b.productIds, ...b.categoryIds, ...b.orderIds].includes(id);
  const foreignProduct = b.productIds[0]!;
  const attempts: Record<string, Attempt[]> = {
    findUserByPhone: [
      async () => isB((await commerce.findUserByPhone(SHARED_PHONE))?.id),
    ],
    ensureCustomer: [
      async () =>
        isB(
          (await commerce.ensureCustomer(SHARED_PHONE, { displayName: 'A' }))
            .id,
        ),
    ],
    setUserLanguage: [
      async () => (await commerce.setUserLanguage(b.userId, 'xh'), true),
    ],
    getConsentStatus: [
      // B granted, A refused: seeing "granted" is reading B's record.
      async () => (await privacy.getConsentStatus(CONTACT_HASH)) !== 'refused',
    ],
    recordConsent: [
      // Accepting B's user id would tie A's record to a row A cannot have.
      async () => {
        await privacy.recordConsent({
          contactHash: CONTACT_HASH,
          userId: b.userId,
          purpose: 'marketing',
          isGranted: true,
          noticeVersion: 'v1',
          channel: 'whatsapp',
        });
        return true;
      },
    ],
    listCategories: [
      async () => (await commerce.listCategories()).some((c) => isB(c.id)),
    ],
    listProducts: b.categoryIds.map((categoryId) => async () => {
      const page = await commerce.listProducts(categoryId, {
        page: 1,
        pageSize: 50,
      });
      return page.items.length > 0;
    }),
    getProduct: b.productIds.map(
      (id) => async () => (await commerce.getProduct(id)) !== null,
    ),
    searchProducts: [
      async () =>
        (await commerce.searchProducts('bread soap kota', { limit: 50 })).some(
          (p) => isB(p.id),
        ),
    ],
    getCart: [async () => (await commerce.getCart(b.userId)).lines.length > 0],
    addToCart: [
      async () => (await commerce.addToCart(b.userId, ownProductId, 1), true),
      async () => (await commerce.addToCart(b.userId, foreignProduct, 1), true),
    ],
    setCartQuantity: [
      async () => (
        await commerce.setCartQuantity(b.userId, foreignProduct, 5),
        true
      ),
      async () => (
        await commerce.setCartQuantity(b.userId, ownProductId, 5),
        true
      ),
    ],
    removeFromCart: [
      async () =>
        (await commerce.removeFromCart(b.userId, foreignProduct)).lines.length >
        0,
    ],
    clearCart: [async () => (await commerce.clearCart(b.userId), false)],
    placeOrder: [
      // B's user with B's idempotency key: a replay would hand back B's order.
      async () => {
        const result = await commerce.placeOrder({
          userId: b.userId,
          fulfilment: 'collection',
          paymentMethod: 'cash',
          channel: 'whatsapp',
          idempotencyKey: b.orderKey,
        });
        return result.ok;
      },
    ],
    listOrders: [async () => (await commerce.listOrders(b.userId)).length > 0],
    seedDemoCatalogue: [
      async () => (await commerce.seedDemoCatalogue(), false),
    ],
  };
  return attempts;
}

describe('commerce and privacy tenant isolation', () => {
  let env: TestControlPlane;
  let shopA: ResolvedTenant;
  let shopB: ResolvedTenant;

  beforeAll(async () => {
    env = await openTestControlPlane('commerce-isolation');
    const make = async (name: string) =>
      (
        await provisionTenant(env.cp, {
          name,
          tier: 'basic',
          ownerPhone: '+27821239999',
        })
      ).tenant;
    shopA = await make('Shop Alpha');
    shopB = await make('Shop Beta');
    await fillShop(env, shopA, 'a');
    await fillShop(env, shopB, 'b');
  });

  afterAll(async () => {
    await env?.close();
  });

  describe("when tenant A's scope calls every data function with B's ids", () => {
    it('reads none of B and changes none of B: zero leaks', async () => {
      expect(shopA.shardId).toBe(shopB.shardId);
      const ids = await withTenantId(env.cp, shopB.id, async (db) => ({
        userId: (await commerce.findUserByPhone(SHARED_PHONE))!.id,
        productIds: (await db.product.findMany()).map((p) => p.id),
        categoryIds: (await db.category.findMany()).map((c) => c.id),
        orderIds: (await db.order.findMany()).map((o) => o.id),
        orderKey: 'b-order-1',
      }));
      expect(ids.orderIds).toHaveLength(1);
      const ownProductId = await withTenantId(env.cp, shopA.id, async () => {
        const [bread] = await commerce.searchProducts('White bread 700g');
        return bread!.id;
      });
      const before = await snapshot(env, shopB);
      const attempts = attemptsOn(ids, ownProductId);

      const exported = Object.entries({ ...commerce, ...privacy })
        .filter(([, value]) => typeof value === 'function')
        .map(([name]) => name)
        .sort();
      // A new export without an attempt here fails this test.
      expect(exported).toEqual(
        [...Object.keys(attempts), ...PURE_EXPORTS].sort(),
      );

      const leaks: string[] = [];
      const refusals: string[] = [];
      let count = 0;
      await withTenantId(env.cp, shopA.id, async () => {
        for (const [name, list] of Object.entries(attempts)) {
          for (const attempt of list) {
            count += 1;
            try {
              if (await attempt()) leaks.push(name);
            } catch (error) {
              const code = (error as { code?: unknown }).code;
              refusals.push(`${name}:${String(code)}`);
            }
          }
        }
      });
      expect(count).toBeGreaterThanOrEqual(exported.length);
      expect(leaks).toEqual([]);
      // Refusals are the shop's own errors (or the foreign key), never a crash.
      expect(refusals.length).toBeGreaterThan(0);
      for (const refusal of refusals)
        expect(refusal).not.toMatch(/:undefined$/);
      expect(await snapshot(env, shopB)).toBe(before);
    });

    it("finds A's own rows under the shared phone and product names", async () => {
      const [a, b] = await Promise.all(
        [shopA, shopB].map((shop) =>
          withTenantId(env.cp, shop.id, async () => ({
            user: await commerce.findUserByPhone(SHARED_PHONE),
            found: await commerce.searchProducts('White bread 700g'),
            consent: await privacy.getConsentStatus(CONTACT_HASH),
          })),
        ),
      );
      expect(a?.user?.id).toBeDefined();
      expect(a?.user?.id).not.toBe(b?.user?.id);
      expect(a?.found[0]?.name).toBe(b?.found[0]?.name);
      expect(a?.found[0]?.id).not.toBe(b?.found[0]?.id);
      expect([a?.consent, b?.consent]).toEqual(['refused', 'granted']);
    });
  });

  describe('when a commerce function runs outside any tenant scope', () => {
    it('throws tenancy.no_context', async () => {
      const calls = [
        () => commerce.listCategories(),
        () => commerce.findUserByPhone(SHARED_PHONE),
        () => commerce.seedDemoCatalogue(),
        () => privacy.getConsentStatus(CONTACT_HASH),
      ];
      for (const call of calls) {
        await expect(call()).rejects.toMatchObject({
          code: 'tenancy.no_context',
        });
      }
    });
  });
});
