import {
  currentTenant,
  STARTER_CATEGORIES,
  tenantDb,
} from '../tenancy/index.ts';

/** A demo product: name, price in cents, stock, description. */
type DemoProduct = readonly [string, number, number, string];

// Product names are shop data, not translated, and kept to 24 characters so
// they fit a WhatsApp list row and a USSD line. One item is sold out and one
// nearly so, so the demo shows both states.
const DEMO_PRODUCTS: Readonly<Record<string, readonly DemoProduct[]>> = {
  'shop:category.groceries': [
    ['White bread 700g', 1799, 40, 'Fresh sliced white loaf, baked daily.'],
    ['Brown bread 700g', 1699, 30, 'Fresh sliced brown loaf, baked daily.'],
    ['Maize meal 5kg', 6999, 25, 'Super maize meal for pap.'],
    ['Rice 2kg', 3999, 20, 'Long grain white rice.'],
    ['Sugar 2.5kg', 4899, 18, 'White sugar.'],
    ['Eggs 6 pack', 2299, 24, 'Six large eggs.'],
    ['Amasi 2L', 3499, 12, 'Thick sour milk, kept cold.'],
    ['Sunflower oil 750ml', 3299, 15, 'Cooking oil.'],
  ],
  'shop:category.drinks': [
    ['Coca-Cola 2L', 2499, 48, 'Cold from the fridge.'],
    ['Ginger beer 2L', 2199, 24, 'Fizzy ginger beer.'],
    ['Still water 1.5L', 1299, 36, 'Still spring water.'],
    ['Oros orange 2L', 4299, 10, 'Orange squash, mix with water.'],
  ],
  'shop:category.hot_food': [
    [
      'Kota (full house)',
      5500,
      5,
      'Quarter loaf with chips, russian, polony, cheese and egg.',
    ],
    ['Kota (basic)', 3000, 20, 'Quarter loaf with chips, polony and atchar.'],
    ['Vetkoek and mince', 2500, 15, 'Two vetkoek with savoury mince.'],
    ['Pap and wors', 4500, 10, 'Pap with boerewors and tomato gravy.'],
  ],
  'shop:category.household': [
    ['Sunlight soap 750g', 2999, 16, 'Laundry and dish bar soap.'],
    ['Candles 6 pack', 2999, 20, 'White household candles.'],
    ['Paraffin 1L', 2899, 0, 'Lamp and stove paraffin.'],
    ['Matches 10 boxes', 1299, 30, 'Safety matches.'],
  ],
  'shop:category.personal_care': [
    ['Petroleum jelly 250ml', 3899, 12, 'Skin care jelly.'],
    ['Toothpaste 100ml', 2499, 14, 'Fluoride toothpaste.'],
    ['Bath soap 175g', 1499, 25, 'Bath and body soap.'],
  ],
};

/**
 * Fills the shop with the demo catalogue (the five starter categories and
 * 23 products), for the embedded default, `wakala demo seed` and tests.
 * Idempotent: categories are matched by key or name and products by name,
 * and only what is missing is created, so stock a trial changed is kept.
 * A transaction-scoped advisory lock per schema stops two processes seeding
 * at once from creating the same product twice.
 */
export async function seedDemoCatalogue(): Promise<void> {
  const lockKey = `wakala.seed-demo.${currentTenant().schemaName}`;
  await tenantDb().$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtext(${lockKey}))) AS l`;
      for (const [index, category] of STARTER_CATEGORIES.entries()) {
        const found = await tx.category.findFirst({
          where: {
            OR: [{ nameKey: category.nameKey }, { name: category.name }],
          },
          select: { id: true },
        });
        const categoryId =
          found?.id ??
          (
            await tx.category.create({
              // The same order provisioning gives the starter categories.
              data: { ...category, sortOrder: (index + 1) * 10 },
            })
          ).id;
        const products = DEMO_PRODUCTS[category.nameKey] ?? [];
        const existing = await tx.product.findMany({
          where: { name: { in: products.map(([name]) => name) } },
          select: { name: true },
        });
        const taken = new Set(existing.map((product) => product.name));
        await tx.product.createMany({
          data: products
            .filter(([name]) => !taken.has(name))
            .map(([name, priceCents, stockQuantity, description]) => ({
              categoryId,
              name,
              priceCents,
              stockQuantity,
              description,
            })),
        });
      }
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}
