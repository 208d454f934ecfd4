import type { ValidProvisionRequest } from './provision-request.ts';
import type { TenantDb } from './tenant-context.ts';

/**
 * The categories every new shop starts with. `nameKey` is what customers
 * read (translated into their language); `name` is the English fallback
 * that a vendor sees when editing the catalogue.
 */
export const STARTER_CATEGORIES: ReadonlyArray<{
  nameKey: string;
  name: string;
}> = [
  { nameKey: 'shop:category.groceries', name: 'Groceries' },
  { nameKey: 'shop:category.drinks', name: 'Drinks' },
  { nameKey: 'shop:category.household', name: 'Household' },
  { nameKey: 'shop:category.hot_food', name: 'Hot food' },
  { nameKey: 'shop:category.personal_care', name: 'Personal care' },
];

/** Writes a new tenant's first rows: the owner as admin and the categories. */
export async function seedTenant(
  db: TenantDb,
  valid: Pick<ValidProvisionRequest, 'ownerPhone' | 'defaultLanguage'>,
): Promise<void> {
  await db.$transaction([
    db.user.create({
      data: {
        phone: valid.ownerPhone,
        role: 'admin',
        language: valid.defaultLanguage,
      },
    }),
    db.category.createMany({
      data: STARTER_CATEGORIES.map((category, index) => ({
        nameKey: category.nameKey,
        name: category.name,
        sortOrder: (index + 1) * 10,
      })),
    }),
  ]);
}
