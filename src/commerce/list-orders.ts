import { tenantDb } from '../tenancy/index.ts';
import { isUuid } from './db-errors.ts';

/** One of a customer's orders as "my orders" lists it. */
export interface OrderSummary {
  id: string;
  number: number;
  status: string;
  totalCents: number;
  /** Units across all lines. */
  itemCount: number;
  /** ISO 8601 time the order was placed. */
  createdAt: string;
}

/** Options for `listOrders`. */
export interface ListOrdersOptions {
  /** Most orders to return: 1 to 50, 5 when left out. */
  limit?: number;
}

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 50;

/** The customer's most recent orders, newest first. */
export async function listOrders(
  userId: string,
  options: ListOrdersOptions = {},
): Promise<OrderSummary[]> {
  if (!isUuid(userId)) return [];
  const limit = Math.min(
    Math.max(1, Math.floor(clampable(options.limit, DEFAULT_LIMIT))),
    MAX_LIMIT,
  );
  const orders = await tenantDb().order.findMany({
    where: { customerId: userId },
    orderBy: [{ createdAt: 'desc' }, { number: 'desc' }],
    take: limit,
    select: {
      id: true,
      number: true,
      status: true,
      totalCents: true,
      createdAt: true,
      lines: { select: { quantity: true } },
    },
  });
  return orders.map(({ lines, createdAt, ...order }) => ({
    ...order,
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    createdAt: createdAt.toISOString(),
  }));
}

/** `value` when it is a finite number, else `fallback` (NaN would empty). */
function clampable(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? value : fallback;
}
