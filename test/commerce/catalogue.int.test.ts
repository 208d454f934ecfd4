import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getProduct,
  listCategories,
  listProducts,
  searchProducts,
  seedDemoCatalogue,
} from '../../src/commerce/index.ts';
import { createTenantFixture, type TenantFixture } from './tenant-fixture.ts';
import { createCategoryRow, createProductRow } from './builders.ts';

let shop: TenantFixture;

beforeAll(async () => {
  shop = await createTenantFixture();
});

afterAll(async () => {
  await shop.close();
});

describe('catalogue', () => {
  describe('when the demo catalogue is seeded twice', () => {
    it('creates the starter categories and products once', async () => {
      await shop.run(() =>
        Promise.all([seedDemoCatalogue(), seedDemoCatalogue()]),
      );
      await shop.run(() => seedDemoCatalogue());
      const categories = await shop.run(() => listCategories());
      expect(categories.map((category) => category.nameKey)).toEqual([
        'shop:category.groceries',
        'shop:category.drinks',
        'shop:category.household',
        'shop:category.hot_food',
        'shop:category.personal_care',
      ]);
      const products = await shop.db.product.findMany();
      const names = products.map((product) => product.name);
      expect(products.length).toBeGreaterThanOrEqual(12);
      expect(new Set(names).size).toBe(names.length);
      expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(
        24,
      );
      expect(
        products.find((p) => p.name === 'White bread 700g')?.priceCents,
      ).toBe(1799);
    });

    it('makes typo search work on the demo shop', async () => {
      const bread = await shop.run(() => searchProducts('bred'));
      expect(bread.map((product) => product.name)).toEqual(
        expect.arrayContaining(['White bread 700g', 'Brown bread 700g']),
      );
      const soap = await shop.run(() => searchProducts('sunlite'));
      expect(soap[0]?.name).toBe('Sunlight soap 750g');
      const kota = await shop.run(() => searchProducts('KOTTA', { limit: 1 }));
      expect(kota).toHaveLength(1);
      expect(kota[0]?.name).toMatch(/^Kota/);
    });
  });

  describe('when categories are inactive', () => {
    it('leaves them out of the list and refuses their products', async () => {
      const hidden = await createCategoryRow(shop.db, {
        name: 'Hidden',
        isActive: false,
      });
      const listed = await shop.run(() => listCategories());
      expect(listed.map((category) => category.id)).not.toContain(hidden);
      await expect(
        shop.run(() => listProducts(hidden, { page: 1, pageSize: 5 })),
      ).rejects.toMatchObject({
        code: 'catalogue.category_not_found',
      });
      await expect(
        shop.run(() => listProducts('nope', { page: 1, pageSize: 5 })),
      ).rejects.toMatchObject({
        code: 'catalogue.category_not_found',
      });
    });
  });

  describe('when a category has several pages', () => {
    let categoryId: string;

    beforeAll(async () => {
      categoryId = await createCategoryRow(shop.db, { name: 'Paged' });
      for (const name of ['Egg', 'Apple', 'Date', 'Banana', 'Cherry']) {
        await createProductRow(shop.db, {
          name,
          categoryId,
          stockQuantity: name === 'Date' ? 0 : 3,
        });
      }
      await createProductRow(shop.db, {
        name: 'Fig',
        categoryId,
        isActive: false,
      });
    });

    it('pages active products by name', async () => {
      const first = await shop.run(() =>
        listProducts(categoryId, { page: 1, pageSize: 2 }),
      );
      const last = await shop.run(() =>
        listProducts(categoryId, { page: 3, pageSize: 2 }),
      );
      expect(first.items.map((p) => p.name)).toEqual(['Apple', 'Banana']);
      expect(first).toMatchObject({ page: 1, pageCount: 3, total: 5 });
      expect(last.items.map((p) => p.name)).toEqual(['Egg']);
    });

    it('holds a page past either end to the nearest page', async () => {
      const past = await shop.run(() =>
        listProducts(categoryId, { page: 9, pageSize: 2 }),
      );
      const before = await shop.run(() =>
        listProducts(categoryId, { page: 0, pageSize: 2 }),
      );
      expect(past.page).toBe(3);
      expect(before.page).toBe(1);
    });

    it('marks a sold-out product unavailable', async () => {
      const page = await shop.run(() =>
        listProducts(categoryId, { page: 2, pageSize: 2 }),
      );
      expect(page.items).toEqual([
        expect.objectContaining({ name: 'Cherry', isAvailable: true }),
        expect.objectContaining({
          name: 'Date',
          stockQuantity: 0,
          isAvailable: false,
        }),
      ]);
    });

    it('refuses a page size out of range', async () => {
      await expect(
        shop.run(() => listProducts(categoryId, { page: 1, pageSize: 0 })),
      ).rejects.toMatchObject({
        code: 'catalogue.page_invalid',
      });
    });
  });

  describe('when a category is empty', () => {
    it('returns one empty page', async () => {
      const categoryId = await createCategoryRow(shop.db, { name: 'Empty' });
      const page = await shop.run(() =>
        listProducts(categoryId, { page: 1, pageSize: 5 }),
      );
      expect(page).toEqual({ items: [], page: 1, pageCount: 1, total: 0 });
    });
  });

  describe('when one product is asked for', () => {
    it('returns its details', async () => {
      const categoryId = await createCategoryRow(shop.db);
      const id = await createProductRow(shop.db, {
        name: 'Detail',
        priceCents: 1250,
        categoryId,
      });
      await expect(shop.run(() => getProduct(id))).resolves.toEqual({
        id,
        name: 'Detail',
        priceCents: 1250,
        stockQuantity: 10,
        isAvailable: true,
        description: '',
        categoryId,
        imageUrl: null,
      });
    });

    it('returns null for an inactive, unknown or malformed id', async () => {
      const inactive = await createProductRow(shop.db, { isActive: false });
      await expect(shop.run(() => getProduct(inactive))).resolves.toBeNull();
      await expect(
        shop.run(() => getProduct('00000000-0000-4000-8000-000000000000')),
      ).resolves.toBeNull();
      await expect(shop.run(() => getProduct("1' OR 1=1"))).resolves.toBeNull();
    });
  });

  describe('when a search matches an inactive product', () => {
    it('leaves it out', async () => {
      await createProductRow(shop.db, {
        name: 'Withdrawn zebra',
        isActive: false,
      });
      await expect(shop.run(() => searchProducts('zebra'))).resolves.toEqual(
        [],
      );
    });
  });
});
