import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  getCart,
  listOrders,
  placeOrder,
  type PlaceOrderInput,
} from '../../src/commerce/index.ts';
import { createTenantFixture, type TenantFixture } from './tenant-fixture.ts';
import { createCustomerRow, createProductRow } from './builders.ts';

let shop: TenantFixture;

beforeAll(async () => {
  shop = await createTenantFixture();
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

describe('placeOrder', () => {
  describe('when the cart can be filled', () => {
    it('writes the order, copies prices, takes stock and clears the cart', async () => {
      const userId = await createCustomerRow(shop.db);
      const bread = await createProductRow(shop.db, {
        name: 'Bread',
        priceCents: 1799,
        stockQuantity: 5,
      });
      const amasi = await createProductRow(shop.db, {
        name: 'Amasi',
        priceCents: 3499,
        stockQuantity: 2,
      });
      await shop.run(() => addToCart(userId, bread, 2));
      await shop.run(() => addToCart(userId, amasi, 2));

      const result = await shop.run(() => placeOrder(collection(userId)));
      if (!result.ok)
        throw new Error(`expected an order, got ${result.reason}`);
      expect(result).toMatchObject({
        isReplay: false,
        order: {
          totalCents: 10_596,
          status: 'confirmed',
          fulfilment: 'collection',
        },
      });
      // A later price change must not touch what was agreed.
      await shop.db.product.update({
        where: { id: bread },
        data: { priceCents: 9999 },
      });
      const lines = await shop.db.orderLine.findMany({
        where: { orderId: result.order.id },
        orderBy: { productName: 'asc' },
      });
      expect(
        lines.map((l) => [
          l.productName,
          l.unitPriceCents,
          l.quantity,
          l.lineTotalCents,
        ]),
      ).toEqual([
        ['Amasi', 3499, 2, 6998],
        ['Bread', 1799, 2, 3598],
      ]);
      expect(await stockOf(bread)).toBe(3);
      expect(await stockOf(amasi)).toBe(0);
      await expect(shop.run(() => getCart(userId))).resolves.toMatchObject({
        lines: [],
      });
      const payments = await shop.db.payment.findMany({
        where: { orderId: result.order.id },
      });
      expect(payments).toEqual([
        expect.objectContaining({
          provider: 'cash',
          status: 'pending',
          amountCents: 10_596,
          reference: `cash-${result.order.number}`,
        }),
      ]);
      await expect(
        shop.db.delivery.count({ where: { orderId: result.order.id } }),
      ).resolves.toBe(0);
    });
  });

  describe('when the order is for delivery', () => {
    it('writes an unassigned delivery with the address and pin', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db);
      await shop.run(() => addToCart(userId, product, 1));
      const result = await shop.run(() =>
        placeOrder({
          ...collection(userId),
          fulfilment: 'delivery',
          deliveryAddress: '12 Vilakazi St, Orlando West',
          latitude: -26.2385,
          longitude: 27.9085,
        }),
      );
      if (!result.ok)
        throw new Error(`expected an order, got ${result.reason}`);
      const delivery = await shop.db.delivery.findUniqueOrThrow({
        where: { orderId: result.order.id },
      });
      expect(delivery).toMatchObject({
        status: 'unassigned',
        address: '12 Vilakazi St, Orlando West',
        latitude: -26.2385,
        longitude: 27.9085,
      });
    });

    it('refuses a delivery without an address or pin', async () => {
      const userId = await createCustomerRow(shop.db);
      await expect(
        shop.run(() =>
          placeOrder({ ...collection(userId), fulfilment: 'delivery' }),
        ),
      ).rejects.toMatchObject({ code: 'order.delivery_address_missing' });
      await expect(
        shop.run(() =>
          placeOrder({
            ...collection(userId),
            fulfilment: 'delivery',
            latitude: 95,
            longitude: 0,
          }),
        ),
      ).rejects.toMatchObject({ code: 'order.location_invalid' });
    });
  });

  describe('when the cart is empty', () => {
    it('says so and writes nothing', async () => {
      const userId = await createCustomerRow(shop.db);
      await expect(
        shop.run(() => placeOrder(collection(userId))),
      ).resolves.toEqual({
        ok: false,
        reason: 'empty_cart',
      });
      await expect(
        shop.db.order.count({ where: { customerId: userId } }),
      ).resolves.toBe(0);
    });
  });

  describe('when a line lacks stock', () => {
    it('lists what is short and writes nothing', async () => {
      const userId = await createCustomerRow(shop.db);
      const plenty = await createProductRow(shop.db, { stockQuantity: 10 });
      const scarce = await createProductRow(shop.db, {
        name: 'Scarce',
        stockQuantity: 3,
      });
      const gone = await createProductRow(shop.db, {
        name: 'Gone',
        stockQuantity: 5,
      });
      await shop.run(() => addToCart(userId, plenty, 2));
      await shop.run(() => addToCart(userId, scarce, 4));
      await shop.run(() => addToCart(userId, gone, 1));
      await shop.db.product.update({
        where: { id: gone },
        data: { isActive: false },
      });

      const result = await shop.run(() => placeOrder(collection(userId)));
      expect(result).toEqual({
        ok: false,
        reason: 'out_of_stock',
        items: [
          { productId: gone, name: 'Gone', available: 0 },
          { productId: scarce, name: 'Scarce', available: 3 },
        ],
      });
      expect(await stockOf(plenty)).toBe(10);
      expect(await stockOf(scarce)).toBe(3);
      await expect(shop.run(() => getCart(userId))).resolves.toMatchObject({
        itemCount: 7,
      });
      await expect(
        shop.db.order.count({ where: { customerId: userId } }),
      ).resolves.toBe(0);
    });
  });

  describe('when the same idempotency key comes again', () => {
    it('returns the first order and changes nothing', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db, { stockQuantity: 10 });
      await shop.run(() => addToCart(userId, product, 2));
      const input = collection(userId);
      const first = await shop.run(() => placeOrder(input));
      await shop.run(() => addToCart(userId, product, 1));
      const again = await shop.run(() => placeOrder(input));
      if (!first.ok) throw new Error('expected an order');
      expect(again).toEqual({ ...first, isReplay: true });
      expect(await stockOf(product)).toBe(8);
      await expect(shop.run(() => getCart(userId))).resolves.toMatchObject({
        itemCount: 1,
      });
    });
  });
});

describe('listOrders', () => {
  it('lists the customer orders newest first with item counts', async () => {
    const userId = await createCustomerRow(shop.db);
    const other = await createCustomerRow(shop.db);
    const product = await createProductRow(shop.db, {
      priceCents: 1000,
      stockQuantity: 20,
    });
    const numbers: number[] = [];
    for (const quantity of [1, 3]) {
      await shop.run(() => addToCart(userId, product, quantity));
      const result = await shop.run(() => placeOrder(collection(userId)));
      if (result.ok) numbers.push(result.order.number);
    }
    await shop.run(() => addToCart(other, product, 1));
    await shop.run(() => placeOrder(collection(other)));

    const orders = await shop.run(() => listOrders(userId));
    expect(
      orders.map((o) => [o.number, o.itemCount, o.totalCents, o.status]),
    ).toEqual([
      [numbers[1], 3, 3000, 'confirmed'],
      [numbers[0], 1, 1000, 'confirmed'],
    ]);
    expect(orders[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    await expect(
      shop.run(() => listOrders(userId, { limit: 1 })),
    ).resolves.toHaveLength(1);
    await expect(shop.run(() => listOrders('nobody'))).resolves.toEqual([]);
  });
});
