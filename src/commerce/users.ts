import { InputError, NotFoundError, normalisePhone } from '../shared/index.ts';
import { isLanguage, type Language } from '../i18n/index.ts';
import { tenantDb } from '../tenancy/index.ts';
import { describeId, isUniqueViolation, isUuid } from './db-errors.ts';

/** The roles a person can have in one shop. */
export type UserRole = 'customer' | 'vendor' | 'driver' | 'admin';

/** A person known to the shop, as flows see them. */
export interface UserRecord {
  id: string;
  phone: string;
  role: UserRole;
  language: Language | null;
}

/** Optional details for a customer seen for the first time. */
export interface EnsureCustomerOptions {
  language?: Language;
  displayName?: string;
}

const ROLES: readonly string[] = ['customer', 'vendor', 'driver', 'admin'];

/** Finds the shop's user with this phone number, or null. */
export async function findUserByPhone(
  phone: string,
): Promise<UserRecord | null> {
  const row = await tenantDb().user.findUnique({
    where: { phone: normalisePhone(phone) },
  });
  return row ? toUserRecord(row) : null;
}

/**
 * Returns the user with this number, creating a customer when there is
 * none. For an existing user the options only fill what is still empty, so
 * a returning customer's chosen language is never overwritten here.
 */
export async function ensureCustomer(
  phone: string,
  options: EnsureCustomerOptions = {},
): Promise<UserRecord> {
  const normalised = normalisePhone(phone);
  if (options.language !== undefined && !isLanguage(options.language)) {
    throw languageInvalid();
  }
  const db = tenantDb();
  const existing = await db.user.findUnique({ where: { phone: normalised } });
  if (existing) return fillMissing(existing, options);
  try {
    const created = await db.user.create({
      data: {
        phone: normalised,
        role: 'customer',
        language: options.language ?? null,
        displayName: options.displayName ?? null,
      },
    });
    return toUserRecord(created);
  } catch (error) {
    // Two turns for one new number (USSD and WhatsApp at once) can race to
    // create it; the loser reads the winner's row.
    if (!isUniqueViolation(error)) throw error;
    const winner = await db.user.findUniqueOrThrow({
      where: { phone: normalised },
    });
    return fillMissing(winner, options);
  }
}

/** Remembers the language a person chose, for every later conversation. */
export async function setUserLanguage(
  userId: string,
  language: Language,
): Promise<void> {
  if (!isLanguage(language)) throw languageInvalid();
  const { count } = isUuid(userId)
    ? await tenantDb().user.updateMany({
        where: { id: userId },
        data: { language, updatedAt: new Date() },
      })
    : { count: 0 };
  if (count === 0) {
    throw new NotFoundError(
      'user.not_found',
      `User ${describeId(userId)} does not exist in this shop; look the person up again before changing their language.`,
    );
  }
}

interface UserRow {
  id: string;
  phone: string;
  role: string;
  language: string | null;
  displayName: string | null;
}

async function fillMissing(
  row: UserRow,
  options: EnsureCustomerOptions,
): Promise<UserRecord> {
  const data: { language?: Language; displayName?: string } = {};
  if (row.language === null && options.language)
    data.language = options.language;
  if (row.displayName === null && options.displayName) {
    data.displayName = options.displayName;
  }
  if (Object.keys(data).length === 0) return toUserRecord(row);
  const updated = await tenantDb().user.update({
    where: { id: row.id },
    data: { ...data, updatedAt: new Date() },
  });
  return toUserRecord(updated);
}

function toUserRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    phone: row.phone,
    // The table's CHECK constraints hold these to the known values.
    role: ROLES.includes(row.role) ? (row.role as UserRole) : 'customer',
    language: isLanguage(row.language) ? row.language : null,
  };
}

function languageInvalid(): InputError {
  return new InputError(
    'user.language_invalid',
    'Language must be one of en, zu, xh, af or st.',
  );
}
