import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogueCache } from '../../src/commerce/catalogue-cache.ts';
import { InputError } from '../../src/shared/index.ts';
import { createCategoryRow, createProductRow } from './builders.ts';
import { createTenantFixture, type TenantFixture } from './tenant-fixture.ts';

let shop: TenantFixture;
let otherShop: TenantFixture;

beforeAll(async () => {
  [shop, otherShop] = await Promise.all([
    createTenantFixture(),
    createTenantFixture(),
  ]);
});

afterAll(async () => {
  await Promise.all([shop.close(), otherShop.close()]);
});

/** A cache on a clock the test moves by hand. */
function cacheWithClock(ttlMs = 5_000): {
  cache: CatalogueCache;
  advance: (ms: number) => void;
} {
  let now = 1_000_000;
  const cache = new CatalogueCache({ ttlMs, clock: () => now });
  return { cache, advance: (ms) => (now += ms) };
}

const namesOf = (list: Array<{ name: string }>) => list.map((c) => c.name);

describe('catalogue cache', () => {
  describe('when a list is read twice within its time to live', () => {
    it('answers the second read from memory, and reads again after it', async () => {
      const { cache, advance } = cacheWithClock(5_000);
      const first = await shop.run(() => cache.categories());
      await createCategoryRow(shop.db, { name: 'Late arrival' });

      const cached = await shop.run(() => cache.categories());
      expect(cached).toBe(first);
      expect(namesOf(cached).some((n) => n.startsWith('Late arrival'))).toBe(
        false,
      );

      advance(5_001);
      const fresh = await shop.run(() => cache.categories());
      expect(namesOf(fresh).some((n) => n.startsWith('Late arrival'))).toBe(
        true,
      );
    });

    it('keeps pages of one category apart by page and page size', async () => {
      const { cache } = cacheWithClock();
      const categoryId = await createCategoryRow(shop.db, { name: 'Paged' });
      for (const name of ['Apple', 'Banana', 'Cherry']) {
        await createProductRow(shop.db, { name, categoryId });
      }
      const request = (page: number, pageSize: number) =>
        shop.run(() => cache.productPage(categoryId, { page, pageSize }));

      const firstOfTwo = await request(1, 2);
      const secondOfTwo = await request(2, 2);
      const allOnOne = await request(1, 3);

      expect(firstOfTwo.items.map((p) => p.name)).toEqual(['Apple', 'Banana']);
      expect(secondOfTwo.items.map((p) => p.name)).toEqual(['Cherry']);
      expect(allOnOne.items).toHaveLength(3);
    });
  });

  describe('when two shops share one cache', () => {
    it('never answers one shop with the other shop’s list', async () => {
      const { cache } = cacheWithClock();
      await createCategoryRow(shop.db, { name: 'Only here' });
      await createCategoryRow(otherShop.db, { name: 'Only there' });

      const here = namesOf(await shop.run(() => cache.categories()));
      const there = namesOf(await otherShop.run(() => cache.categories()));

      expect(here.some((n) => n.startsWith('Only here'))).toBe(true);
      expect(here.some((n) => n.startsWith('Only there'))).toBe(false);
      expect(there.some((n) => n.startsWith('Only there'))).toBe(true);
      expect(there.some((n) => n.startsWith('Only here'))).toBe(false);
    });
  });

  describe('when a shop is invalidated', () => {
    it('reads that shop afresh and keeps the other shop’s lists', async () => {
      const { cache } = cacheWithClock();
      await shop.run(() => cache.categories());
      const otherFirst = await otherShop.run(() => cache.categories());
      await createCategoryRow(shop.db, { name: 'After edit' });

      cache.invalidate(shop.tenant.id);

      const here = namesOf(await shop.run(() => cache.categories()));
      expect(here.some((n) => n.startsWith('After edit'))).toBe(true);
      expect(await otherShop.run(() => cache.categories())).toBe(otherFirst);
    });
  });

  describe('when loads overlap or fail', () => {
    it('shares one load between callers that ask at once', async () => {
      const { cache } = cacheWithClock();
      const [a, b] = await shop.run(() =>
        Promise.all([cache.categories(), cache.categories()]),
      );
      expect(a).toBe(b);
      expect(cache.size).toBe(1);
    });

    it('does not keep a failed load, so the next read tries again', async () => {
      const { cache } = cacheWithClock();
      const categoryId = randomUUID();
      await expect(
        shop.run(() => cache.productPage(categoryId, { page: 1, pageSize: 5 })),
      ).rejects.toMatchObject({ code: 'catalogue.category_not_found' });

      await shop.db.category.create({
        data: { id: categoryId, name: 'Now it exists', sortOrder: 0 },
      });
      await createProductRow(shop.db, { name: 'Found', categoryId });

      const page = await shop.run(() =>
        cache.productPage(categoryId, { page: 1, pageSize: 5 }),
      );
      expect(page.items.map((p) => p.name)).toEqual(['Found']);
    });

    it('hands out frozen lists, so one caller cannot change another’s', async () => {
      const { cache } = cacheWithClock();
      await createCategoryRow(shop.db, { name: 'Frozen' });
      const list = await shop.run(() => cache.categories());
      expect(Object.isFrozen(list)).toBe(true);
      expect(Object.isFrozen(list[0])).toBe(true);
    });
  });

  describe('when the time to live is unusable', () => {
    it('refuses it with a clear error', () => {
      expect(() => new CatalogueCache({ ttlMs: -1 })).toThrow(InputError);
      expect(() => new CatalogueCache({ ttlMs: Number.NaN })).toThrow(
        /0 ms or more/,
      );
    });
  });
});
