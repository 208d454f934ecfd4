import { InputError, NotFoundError } from '../shared/index.ts';
import { tenantDb } from '../tenancy/index.ts';
import { describeId, isUuid } from './db-errors.ts';

/** A shop category as menus list it. */
export interface CategorySummary {
  id: string;
  name: string;
  /** i18n key of a starter category, read in the customer's language. */
  nameKey: string | null;
}

/** A product as a list row shows it. */
export interface ProductSummary {
  id: string;
  name: string;
  priceCents: number;
  stockQuantity: number;
  /** True when at least one unit is in stock. */
  isAvailable: boolean;
}

/** A product with everything its detail screen shows. */
export interface ProductDetail extends ProductSummary {
  description: string;
  categoryId: string | null;
  imageUrl: string | null;
}

/** Which page of a list to return; `page` counts from 1. */
export interface PageRequest {
  page: number;
  pageSize: number;
}

/** One page of products with what a pager needs. */
export interface ProductPage {
  items: ProductSummary[];
  /** The page returned: the one asked for, held to 1..pageCount. */
  page: number;
  /** At least 1, so "page 1 of 1" reads right for an empty category. */
  pageCount: number;
  total: number;
}

/** Largest page a caller may ask for; more would not fit any channel. */
export const MAX_PAGE_SIZE = 50;

const SUMMARY_FIELDS = {
  id: true,
  name: true,
  priceCents: true,
  stockQuantity: true,
} as const;

/** Lists the shop's active categories in their sort order. */
export async function listCategories(): Promise<CategorySummary[]> {
  return tenantDb().category.findMany({
    where: { isActive: true },
    orderBy: [{ sortOrder: 'asc' }, { name: 'asc' }],
    select: { id: true, name: true, nameKey: true },
  });
}

/**
 * Lists one page of a category's active products by name. A page past the
 * end returns the last page, so a stale "next" from an old screen still
 * shows something sensible.
 */
export async function listProducts(
  categoryId: string,
  request: PageRequest,
): Promise<ProductPage> {
  const { pageSize } = request;
  if (
    !Number.isInteger(pageSize) ||
    pageSize < 1 ||
    pageSize > MAX_PAGE_SIZE ||
    !Number.isInteger(request.page)
  ) {
    throw new InputError(
      'catalogue.page_invalid',
      `Page must be a whole number and page size 1 to ${MAX_PAGE_SIZE}.`,
    );
  }
  if (!isUuid(categoryId)) throw categoryNotFound(categoryId);
  const db = tenantDb();
  const where = { categoryId, isActive: true };
  const total = await db.product.count({ where });
  if (total === 0) await assertCategoryActive(categoryId);
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, request.page), pageCount);
  const rows = await db.product.findMany({
    where,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: SUMMARY_FIELDS,
  });
  return { items: rows.map(toProductSummary), page, pageCount, total };
}

/** The active product with this id, or null when unknown or withdrawn. */
export async function getProduct(
  productId: string,
): Promise<ProductDetail | null> {
  if (!isUuid(productId)) return null;
  const row = await tenantDb().product.findFirst({
    where: { id: productId, isActive: true },
    select: {
      ...SUMMARY_FIELDS,
      description: true,
      categoryId: true,
      imageUrl: true,
    },
  });
  if (!row) return null;
  return {
    ...toProductSummary(row),
    description: row.description,
    categoryId: row.categoryId,
    imageUrl: row.imageUrl,
  };
}

/** Builds the summary shape from a product row's summary fields. */
export function toProductSummary(row: {
  id: string;
  name: string;
  priceCents: number;
  stockQuantity: number;
}): ProductSummary {
  return {
    id: row.id,
    name: row.name,
    priceCents: row.priceCents,
    stockQuantity: row.stockQuantity,
    isAvailable: row.stockQuantity > 0,
  };
}

async function assertCategoryActive(categoryId: string): Promise<void> {
  const category = await tenantDb().category.findFirst({
    where: { id: categoryId, isActive: true },
    select: { id: true },
  });
  if (!category) throw categoryNotFound(categoryId);
}

function categoryNotFound(categoryId: string): NotFoundError {
  return new NotFoundError(
    'catalogue.category_not_found',
    `Category ${describeId(categoryId)} does not exist or is not active in this shop; list the categories again.`,
  );
}
