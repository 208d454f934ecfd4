import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  placeOrder,
  type PlaceOrderInput,
} from '../../src/commerce/index.ts';
import { createTenantFixture, type TenantFixture } from './tenant-fixture.ts';
import { createCustomerRow, createProductRow } from './builders.ts';

let shop: TenantFixture;

beforeAll(async () => {
  // Fewer connections than concurrent checkouts, as in production, so the
  // checkouts also wait for the pool, not only for row locks.
  shop = await createTenantFixture({ poolSize: 8 });
});

afterAll(async () => {
  await shop.close();
});

function collection(userId: string): PlaceOrderInput {
  return {
    userId,
    fulfilment: 'collection',
    paymentMethod: 'cash',
    channel: 'whatsapp',
    idempotencyKey: randomUUID(),
  };
}

async function stockOf(productId: string): Promise<number> {
  const product = await shop.db.product.findUniqueOrThrow({
    where: { id: productId },
  });
  return product.stockQuantity;
}

describe('placeOrder under concurrency', () => {
  describe('when calls with the same idempotency key run at once', () => {
    it('gives one order and replays it to the others', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db, { stockQuantity: 10 });
      await shop.run(() => addToCart(userId, product, 3));
      const input = collection(userId);
      const results = await shop.run(() =>
        Promise.all([placeOrder(input), placeOrder(input), placeOrder(input)]),
      );
      const ids = results.map((result) =>
        result.ok ? result.order.id : result.reason,
      );
      expect(new Set(ids).size).toBe(1);
      expect(
        results.filter((result) => result.ok && !result.isReplay),
      ).toHaveLength(1);
      expect(await stockOf(product)).toBe(7);
    });
  });

  describe('when one cart is checked out twice at once under different keys', () => {
    it('orders once', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db, { stockQuantity: 10 });
      await shop.run(() => addToCart(userId, product, 2));
      const results = await shop.run(() =>
        Promise.all([
          placeOrder(collection(userId)),
          placeOrder(collection(userId)),
        ]),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual([
        { ok: false, reason: 'empty_cart' },
      ]);
      expect(await stockOf(product)).toBe(8);
    });
  });

  describe('when 20 customers check out the last 5 units at once', () => {
    it('fills exactly 5 orders and tells the other 15 it is out of stock', async () => {
      const product = await createProductRow(shop.db, {
        name: 'Last kota',
        stockQuantity: 5,
      });
      const customers = await Promise.all(
        Array.from({ length: 20 }, () => createCustomerRow(shop.db)),
      );
      for (const userId of customers)
        await shop.run(() => addToCart(userId, product, 1));

      const results = await shop.run(() =>
        Promise.all(customers.map((userId) => placeOrder(collection(userId)))),
      );
      const placed = results.filter((result) => result.ok);
      const refused = results.filter((result) => !result.ok);
      expect(placed).toHaveLength(5);
      expect(refused).toHaveLength(15);
      for (const result of refused) {
        expect(result).toEqual({
          ok: false,
          reason: 'out_of_stock',
          items: [{ productId: product, name: 'Last kota', available: 0 }],
        });
      }
      expect(await stockOf(product)).toBe(0);
      await expect(
        shop.db.orderLine.count({ where: { productId: product } }),
      ).resolves.toBe(5);
    });
  });
});
