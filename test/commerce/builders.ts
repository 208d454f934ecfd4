import type { TenantDb } from '../../src/tenancy/tenant-context.ts';
import { uniqueSuffix } from '../support/services.ts';

// Each test file has its own database, so numbers only need to be unique
// within one file: a random start and a counter do it.
let nextPhone = 1_000_000 + Math.floor(Math.random() * 8_000_000);

/** A phone number no other test in this file uses. */
export function uniquePhone(): string {
  nextPhone += 1;
  return `+2781${nextPhone}`;
}

/** Creates a customer row directly, for tests that need one. */
export async function createCustomerRow(db: TenantDb): Promise<string> {
  const user = await db.user.create({ data: { phone: uniquePhone() } });
  return user.id;
}

/** Creates a category directly; the name is made unique. */
export async function createCategoryRow(
  db: TenantDb,
  overrides: { name?: string; sortOrder?: number; isActive?: boolean } = {},
): Promise<string> {
  const category = await db.category.create({
    data: {
      name: `${overrides.name ?? 'Category'} ${uniqueSuffix()}`,
      sortOrder: overrides.sortOrder ?? 0,
      isActive: overrides.isActive ?? true,
    },
  });
  return category.id;
}

/** Creates a product directly, with test defaults for what is left out. */
export async function createProductRow(
  db: TenantDb,
  overrides: {
    name?: string;
    priceCents?: number;
    stockQuantity?: number;
    categoryId?: string;
    isActive?: boolean;
  } = {},
): Promise<string> {
  const product = await db.product.create({
    data: {
      name: overrides.name ?? `Product ${uniqueSuffix()}`,
      priceCents: overrides.priceCents ?? 1000,
      stockQuantity: overrides.stockQuantity ?? 10,
      categoryId: overrides.categoryId ?? null,
      isActive: overrides.isActive ?? true,
    },
  });
  return product.id;
}
