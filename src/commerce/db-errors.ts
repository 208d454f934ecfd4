import { Prisma } from '../generated/tenant/client.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when `value` is a well-formed UUID. Ids arrive from flows and channel
 * payloads and are untrusted: checking the shape first turns a malformed id
 * into a plain "not found" instead of a database error.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * An id fit for an operator message: the id itself when well-formed, else a
 * placeholder, so arbitrary text from a payload never reaches a log.
 */
export function describeId(value: string): string {
  return isUuid(value) ? value : '(malformed id)';
}

/** True when `error` is PostgreSQL refusing a duplicate in a unique index. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    error.code === 'P2002'
  );
}

/** True when `error` is a row pointing at a parent row that does not exist. */
export function isForeignKeyViolation(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError &&
    error.code === 'P2003'
  );
}

/**
 * True when `error` is a row refused by a CHECK constraint. Prisma has no
 * stable code of its own for this through a driver adapter, so the
 * PostgreSQL SQLSTATE (23514) it carries is read instead.
 */
export function isCheckViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  const adapterError = error.meta?.driverAdapterError as
    { cause?: { originalCode?: unknown } } | undefined;
  return adapterError?.cause?.originalCode === '23514';
}
