import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCart,
  clearCart,
  getCart,
  removeFromCart,
  setCartQuantity,
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

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('cart', () => {
  describe('when products are added', () => {
    it('prices the lines and totals them', async () => {
      const userId = await createCustomerRow(shop.db);
      const bread = await createProductRow(shop.db, {
        name: 'Bread',
        priceCents: 1799,
      });
      const amasi = await createProductRow(shop.db, {
        name: 'Amasi',
        priceCents: 3499,
      });
      await shop.run(() => addToCart(userId, bread, 2));
      const cart = await shop.run(() => addToCart(userId, amasi, 1));
      expect(cart).toEqual({
        lines: [
          {
            productId: bread,
            name: 'Bread',
            unitPriceCents: 1799,
            quantity: 2,
            lineTotalCents: 3598,
            stockQuantity: 10,
            isAvailable: true,
          },
          expect.objectContaining({
            productId: amasi,
            quantity: 1,
            lineTotalCents: 3499,
          }),
        ],
        totalCents: 7097,
        itemCount: 3,
      });
    });

    it('adds to an existing line', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db);
      await shop.run(() => addToCart(userId, product, 2));
      const cart = await shop.run(() => addToCart(userId, product, 3));
      expect(cart.lines).toHaveLength(1);
      expect(cart.lines[0]?.quantity).toBe(5);
    });

    it('marks a line unavailable when stock is short', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db, { stockQuantity: 1 });
      const cart = await shop.run(() => addToCart(userId, product, 2));
      expect(cart.lines[0]).toMatchObject({
        stockQuantity: 1,
        isAvailable: false,
      });
    });
  });

  describe('when the quantity is set', () => {
    it('replaces the quantity and removes the line at 0', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db, { priceCents: 500 });
      await shop.run(() => addToCart(userId, product, 4));
      const changed = await shop.run(() => setCartQuantity(userId, product, 1));
      expect(changed).toMatchObject({ totalCents: 500, itemCount: 1 });
      const emptied = await shop.run(() => setCartQuantity(userId, product, 0));
      expect(emptied).toEqual({ lines: [], totalCents: 0, itemCount: 0 });
    });

    it('creates the line when there was none', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db);
      const cart = await shop.run(() => setCartQuantity(userId, product, 7));
      expect(cart.itemCount).toBe(7);
    });
  });

  describe('when lines are removed or the cart cleared', () => {
    it('removes one line and then all', async () => {
      const userId = await createCustomerRow(shop.db);
      const a = await createProductRow(shop.db);
      const b = await createProductRow(shop.db);
      await shop.run(() => addToCart(userId, a, 1));
      await shop.run(() => addToCart(userId, b, 1));
      const afterRemove = await shop.run(() => removeFromCart(userId, a));
      expect(afterRemove.lines.map((line) => line.productId)).toEqual([b]);
      await shop.run(() => removeFromCart(userId, a));
      await shop.run(() => clearCart(userId));
      await expect(shop.run(() => getCart(userId))).resolves.toMatchObject({
        lines: [],
      });
    });
  });

  describe('when a product is withdrawn while in the cart', () => {
    it('keeps the line, unavailable, and lets it be removed', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db);
      await shop.run(() => addToCart(userId, product, 1));
      await shop.db.product.update({
        where: { id: product },
        data: { isActive: false },
      });
      const cart = await shop.run(() => getCart(userId));
      expect(cart.lines[0]?.isAvailable).toBe(false);
      await expect(
        shop.run(() => setCartQuantity(userId, product, 2)),
      ).rejects.toMatchObject({
        code: 'catalogue.product_not_found',
      });
      const emptied = await shop.run(() => setCartQuantity(userId, product, 0));
      expect(emptied.lines).toEqual([]);
    });
  });

  describe('when input is wrong', () => {
    it.each([0, -1, 1000, 1.5, Number.NaN])(
      'refuses quantity %s',
      async (quantity) => {
        const userId = await createCustomerRow(shop.db);
        const product = await createProductRow(shop.db);
        await expect(
          shop.run(() => addToCart(userId, product, quantity)),
        ).rejects.toMatchObject({
          code: 'cart.quantity_invalid',
          name: 'InputError',
        });
      },
    );

    it('refuses a line that would pass 999 units', async () => {
      const userId = await createCustomerRow(shop.db);
      const product = await createProductRow(shop.db);
      await shop.run(() => addToCart(userId, product, 990));
      await expect(
        shop.run(() => addToCart(userId, product, 10)),
      ).rejects.toMatchObject({
        code: 'cart.quantity_invalid',
      });
      await expect(shop.run(() => getCart(userId))).resolves.toMatchObject({
        itemCount: 990,
      });
    });

    it('refuses an unknown, malformed or inactive product', async () => {
      const userId = await createCustomerRow(shop.db);
      const inactive = await createProductRow(shop.db, { isActive: false });
      for (const productId of [MISSING_ID, 'bread', inactive]) {
        await expect(
          shop.run(() => addToCart(userId, productId, 1)),
        ).rejects.toMatchObject({
          code: 'catalogue.product_not_found',
          name: 'NotFoundError',
        });
      }
    });

    it('refuses an unknown or malformed user', async () => {
      const product = await createProductRow(shop.db);
      for (const userId of [MISSING_ID, 'someone']) {
        await expect(
          shop.run(() => addToCart(userId, product, 1)),
        ).rejects.toMatchObject({
          code: 'cart.user_not_found',
        });
      }
    });
  });
});
