import { InputError, NotFoundError } from '../shared/index.ts';
import { tenantDb } from '../tenancy/index.ts';
import {
  describeId,
  isCheckViolation,
  isForeignKeyViolation,
  isUuid,
} from './db-errors.ts';

/** One line of a cart with the product's current price and stock. */
export interface CartLine {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
  stockQuantity: number;
  /** False when the product was withdrawn or has fewer units than asked. */
  isAvailable: boolean;
}

/** A customer's cart, priced at the current catalogue prices. */
export interface Cart {
  lines: CartLine[];
  totalCents: number;
  /** Units across all lines (two loaves and a soap are three items). */
  itemCount: number;
}

/** Most units of one product a cart line may hold (the table's CHECK). */
export const MAX_LINE_QUANTITY = 999;

/**
 * The customer's cart, oldest line first. The cart lives in the database,
 * so it outlives an expired session or a dropped USSD call; prices are the
 * catalogue's current ones and are fixed only when the order is placed.
 */
export async function getCart(userId: string): Promise<Cart> {
  if (!isUuid(userId)) return { lines: [], totalCents: 0, itemCount: 0 };
  const rows = await tenantDb().cartItem.findMany({
    where: { userId },
    orderBy: [{ addedAt: 'asc' }, { productId: 'asc' }],
    select: {
      quantity: true,
      product: {
        select: {
          id: true,
          name: true,
          priceCents: true,
          stockQuantity: true,
          isActive: true,
        },
      },
    },
  });
  const lines = rows.map(({ quantity, product }) => ({
    productId: product.id,
    name: product.name,
    unitPriceCents: product.priceCents,
    quantity,
    lineTotalCents: product.priceCents * quantity,
    stockQuantity: product.stockQuantity,
    isAvailable: product.isActive && product.stockQuantity >= quantity,
  }));
  return {
    lines,
    totalCents: lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
  };
}

/**
 * Adds `quantity` units of a product, on top of any already in the cart.
 * Stock is not reserved here (only `placeOrder` does that); the cart line
 * shows whether enough is in stock.
 */
export async function addToCart(
  userId: string,
  productId: string,
  quantity: number,
): Promise<Cart> {
  assertQuantity(quantity, 1);
  await assertActiveProduct(productId);
  const db = tenantDb();
  const key = { userId, productId };
  const existing = isUuid(userId)
    ? await db.cartItem.findUnique({
        where: { userId_productId: key },
        select: { quantity: true },
      })
    : null;
  assertQuantity((existing?.quantity ?? 0) + quantity, 1);
  await writeLine(userId, () =>
    db.cartItem.upsert({
      where: { userId_productId: key },
      create: { ...key, quantity },
      update: { quantity: { increment: quantity } },
    }),
  );
  return getCart(userId);
}

/** Sets a product's line to exactly `quantity` units; 0 removes the line. */
export async function setCartQuantity(
  userId: string,
  productId: string,
  quantity: number,
): Promise<Cart> {
  assertQuantity(quantity, 0);
  if (quantity === 0) return removeFromCart(userId, productId);
  await assertActiveProduct(productId);
  const key = { userId, productId };
  await writeLine(userId, () =>
    tenantDb().cartItem.upsert({
      where: { userId_productId: key },
      create: { ...key, quantity },
      update: { quantity },
    }),
  );
  return getCart(userId);
}

/** Removes a product's line; removing a line that is not there is fine. */
export async function removeFromCart(
  userId: string,
  productId: string,
): Promise<Cart> {
  if (isUuid(userId) && isUuid(productId)) {
    await tenantDb().cartItem.deleteMany({ where: { userId, productId } });
  }
  return getCart(userId);
}

/** Empties the customer's cart. */
export async function clearCart(userId: string): Promise<void> {
  if (!isUuid(userId)) return;
  await tenantDb().cartItem.deleteMany({ where: { userId } });
}

function assertQuantity(quantity: number, minimum: 0 | 1): void {
  if (
    !Number.isInteger(quantity) ||
    quantity < minimum ||
    quantity > MAX_LINE_QUANTITY
  ) {
    throw quantityInvalid(minimum);
  }
}

function quantityInvalid(minimum: 0 | 1, cause?: unknown): InputError {
  return new InputError(
    'cart.quantity_invalid',
    `A cart line holds a whole number of units from ${minimum} to ${MAX_LINE_QUANTITY}.`,
    { cause },
  );
}

async function assertActiveProduct(productId: string): Promise<void> {
  const product = isUuid(productId)
    ? await tenantDb().product.findFirst({
        where: { id: productId, isActive: true },
        select: { id: true },
      })
    : null;
  if (!product) {
    throw new NotFoundError(
      'catalogue.product_not_found',
      `Product ${describeId(productId)} does not exist or is not on sale in this shop; show the customer the catalogue again.`,
    );
  }
}

async function writeLine(
  userId: string,
  write: () => Promise<unknown>,
): Promise<void> {
  if (!isUuid(userId)) throw userNotFound(userId);
  try {
    await write();
  } catch (error) {
    // The product was checked just before, so a missing parent row here is
    // the user (or a product deleted in between).
    if (isForeignKeyViolation(error)) throw userNotFound(userId, error);
    // Two adds racing past the pre-check can push a line over the maximum.
    if (isCheckViolation(error)) throw quantityInvalid(1, error);
    throw error;
  }
}

function userNotFound(userId: string, cause?: unknown): NotFoundError {
  return new NotFoundError(
    'cart.user_not_found',
    `User ${describeId(userId)} does not exist in this shop; create the customer before filling the cart.`,
    { cause },
  );
}
