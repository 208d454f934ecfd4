import { tenantDb, type TenantDb } from '../tenancy/index.ts';
import { isUniqueViolation } from './db-errors.ts';
import { assertOrderInput, type PlaceOrderInput } from './order-input.ts';

export type { PlaceOrderInput } from './order-input.ts';

/** The parts of a placed order a confirmation shows. */
export interface PlacedOrder {
  id: string;
  number: number;
  totalCents: number;
  status: string;
  fulfilment: 'delivery' | 'collection';
}

/** A product the cart wants more of than the shop has. */
export interface ShortItem {
  productId: string;
  name: string;
  /** Units on sale now; 0 when sold out or withdrawn. */
  available: number;
}

/** The outcome of `placeOrder`; refusals a person can act on are values. */
export type PlaceOrderResult =
  | { ok: true; order: PlacedOrder; isReplay: boolean }
  | { ok: false; reason: 'empty_cart' }
  | { ok: false; reason: 'out_of_stock'; items: ShortItem[] };

type Tx = Parameters<Parameters<TenantDb['$transaction']>[0]>[0];

/** Thrown inside the transaction only to roll it back; never escapes. */
class OutOfStock extends Error {
  constructor(readonly productIds: string[]) {
    super('out of stock');
  }
}

class EmptyCart extends Error {}

// Twenty checkouts at once wait for pool connections and row locks; the
// defaults (2 s to start, 5 s to finish) are too tight for that.
const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 15_000 };

/**
 * Turns the customer's cart into an order, atomically: stock is taken with
 * conditional updates (in product id order, so concurrent checkouts never
 * deadlock), then the order with its lines (names and prices copied), a
 * cash payment and, for delivery, a delivery are written and the cart is
 * cleared. When any line lacks stock nothing is written. A repeated
 * `idempotencyKey` returns the first order with `isReplay: true`.
 */
export async function placeOrder(
  input: PlaceOrderInput,
): Promise<PlaceOrderResult> {
  assertOrderInput(input);
  const replay = await findReplay(input.idempotencyKey);
  if (replay) return replay;
  try {
    const order = await tenantDb().$transaction(
      (tx) => writeOrder(tx, input),
      TRANSACTION_OPTIONS,
    );
    return { ok: true, order, isReplay: false };
  } catch (error) {
    // A call with the same key that committed first explains any of these
    // outcomes (it took the stock, emptied the cart or holds the key), so
    // its order is the answer.
    if (
      error instanceof OutOfStock ||
      error instanceof EmptyCart ||
      isUniqueViolation(error)
    ) {
      const winner = await findReplay(input.idempotencyKey);
      if (winner) return winner;
    }
    if (error instanceof EmptyCart) return { ok: false, reason: 'empty_cart' };
    if (error instanceof OutOfStock) {
      return {
        ok: false,
        reason: 'out_of_stock',
        items: await describeShortItems(error.productIds),
      };
    }
    throw error;
  }
}

async function writeOrder(
  tx: Tx,
  input: PlaceOrderInput,
): Promise<PlacedOrder> {
  const lines = await takeStock(tx, input.userId);
  const order = await createOrderRows(tx, input, lines);
  const cleared = await tx.cartItem.deleteMany({
    where: {
      userId: input.userId,
      productId: { in: lines.map((line) => line.product.id) },
    },
  });
  // The cart was read without a lock. A second checkout of the same cart
  // under another key (USSD and WhatsApp at once) waits here for the first
  // and then finds its lines gone: it rolls back instead of ordering twice.
  if (cleared.count !== lines.length) throw new EmptyCart();
  return { ...order, fulfilment: input.fulfilment };
}

interface TakenLine {
  product: { id: string; name: string; priceCents: number };
  quantity: number;
}

/**
 * Takes each cart line's units from stock, in product id order so that
 * concurrent checkouts lock rows in the same order and never deadlock.
 * Throws `OutOfStock` (rolling everything back) when any line is short.
 */
async function takeStock(tx: Tx, userId: string): Promise<TakenLine[]> {
  const cart = await tx.cartItem.findMany({
    where: { userId },
    orderBy: { productId: 'asc' },
    select: { productId: true, quantity: true },
  });
  if (cart.length === 0) throw new EmptyCart();
  const lines: TakenLine[] = [];
  const short: string[] = [];
  for (const { productId, quantity } of cart) {
    // Waits for a concurrent checkout holding this row, then re-checks the
    // condition against the committed stock (READ COMMITTED).
    const [product] = await tx.product.updateManyAndReturn({
      where: {
        id: productId,
        isActive: true,
        stockQuantity: { gte: quantity },
      },
      data: { stockQuantity: { decrement: quantity }, updatedAt: new Date() },
      select: { id: true, name: true, priceCents: true },
    });
    if (product) lines.push({ product, quantity });
    else short.push(productId);
  }
  if (short.length > 0) throw new OutOfStock(short);
  return lines;
}

/** Writes the order with its lines, delivery and cash payment. */
async function createOrderRows(
  tx: Tx,
  input: PlaceOrderInput,
  lines: TakenLine[],
): Promise<Omit<PlacedOrder, 'fulfilment'>> {
  const subtotalCents = lines.reduce(
    (sum, line) => sum + line.product.priceCents * line.quantity,
    0,
  );
  const isDelivery = input.fulfilment === 'delivery';
  const place = {
    address: isDelivery ? (input.deliveryAddress ?? null) : null,
    latitude: isDelivery ? (input.latitude ?? null) : null,
    longitude: isDelivery ? (input.longitude ?? null) : null,
  };
  const order = await tx.order.create({
    data: {
      customerId: input.userId,
      status: 'confirmed',
      fulfilment: input.fulfilment,
      deliveryAddress: place.address,
      deliveryLatitude: place.latitude,
      deliveryLongitude: place.longitude,
      paymentMethod: input.paymentMethod,
      paymentStatus: 'unpaid',
      subtotalCents,
      // Known gap: no delivery fee yet; shops have no fee setting to read.
      deliveryFeeCents: 0,
      totalCents: subtotalCents,
      channel: input.channel,
      idempotencyKey: input.idempotencyKey,
      lines: {
        create: lines.map(({ product, quantity }) => ({
          productId: product.id,
          productName: product.name,
          unitPriceCents: product.priceCents,
          quantity,
          lineTotalCents: product.priceCents * quantity,
        })),
      },
      ...(isDelivery && {
        delivery: { create: { status: 'unassigned', ...place } },
      }),
    },
    select: { id: true, number: true, totalCents: true, status: true },
  });
  await tx.payment.create({
    data: {
      orderId: order.id,
      provider: 'cash',
      reference: `cash-${order.number}`,
      amountCents: order.totalCents,
      status: 'pending',
    },
  });
  return order;
}

async function findReplay(
  idempotencyKey: string,
): Promise<PlaceOrderResult | null> {
  const order = await tenantDb().order.findUnique({
    where: { idempotencyKey },
    select: {
      id: true,
      number: true,
      totalCents: true,
      status: true,
      fulfilment: true,
    },
  });
  if (!order) return null;
  const fulfilment =
    order.fulfilment === 'delivery' ? 'delivery' : 'collection';
  return { ok: true, order: { ...order, fulfilment }, isReplay: true };
}

async function describeShortItems(productIds: string[]): Promise<ShortItem[]> {
  const products = await tenantDb().product.findMany({
    where: { id: { in: productIds } },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, stockQuantity: true, isActive: true },
  });
  return products.map((product) => ({
    productId: product.id,
    name: product.name,
    available: product.isActive ? product.stockQuantity : 0,
  }));
}
