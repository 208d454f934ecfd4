import type { Redis } from 'ioredis';
import type { Language } from '../../i18n/index.ts';
import { WakalaError } from '../../shared/errors.ts';
import { hashPhone } from '../../shared/logger.ts';

/** Where one USSD session stands, kept between its requests. */
export interface UssdSessionState {
  /** Segments of the gateway's cumulative text already consumed. */
  consumed: number;
  /** Step of the last request answered; a retry of it gets a replay. */
  lastStep: number;
  /** On a shared code: choosing the last shop, typing a code, or shopping. */
  phase: 'choosing_shop' | 'entering_code' | 'in_flow';
  /** The tenant the session talks to, once known. */
  tenantId?: string;
  /** The shop typed or chosen on a shared code, remembered as last shop. */
  storeCode?: string;
  storeName?: string;
  language: Language;
  /**
   * True while `language` is only the platform default because nothing is
   * known of the contact yet (a first dial on a shared code): its screens
   * then speak every language.
   */
  isLanguageUnknown?: boolean;
  /** The pages of the screen last shown, and which one is showing. */
  pages: string[];
  page: number;
  /** The screen ends the session after its last page. */
  isEnd: boolean;
}

/** The shop a contact last used on a shared code, offered first next time. */
export interface LastShop {
  storeCode: string;
  name: string;
  language: Language;
}

/**
 * What the USSD channel remembers: per gateway session (its position in the
 * cumulative text, the pages of the last screen) and per contact on a shared
 * code (the last shop). Three-method style, with Redis and memory twins.
 */
export interface UssdStore {
  getSession(sessionId: string): Promise<UssdSessionState | undefined>;
  saveSession(sessionId: string, state: UssdSessionState): Promise<void>;
  getLastShop(
    serviceCode: string,
    contactId: string,
  ): Promise<LastShop | undefined>;
  saveLastShop(
    serviceCode: string,
    contactId: string,
    shop: LastShop,
  ): Promise<void>;
}

export interface UssdStoreOptions {
  /** Kept a little longer than the longest USSD session (3 minutes). */
  sessionTtlSeconds?: number;
  lastShopTtlSeconds?: number;
}

const DEFAULT_SESSION_TTL = 600;
const DEFAULT_LAST_SHOP_TTL = 180 * 24 * 3600;

/** Builds every USSD key; a segment holding the delimiter is refused. */
export function ussdKey(prefix: string, ...segments: string[]): string {
  for (const segment of segments) {
    if (segment === '' || segment.includes(':')) {
      throw new WakalaError(
        'ussd.bad_key_segment',
        'A USSD store key segment is empty or contains ":"; refusing to build the key.',
      );
    }
  }
  return [prefix, 'ussd', ...segments].join(':');
}

/**
 * The store in Redis. The contact's number never appears in a key: the
 * last-shop key holds its keyed hash.
 */
export function createRedisUssdStore(
  redis: Redis,
  keyPrefix: string,
  options: UssdStoreOptions = {},
): UssdStore {
  const sessionTtl = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL;
  const shopTtl = options.lastShopTtlSeconds ?? DEFAULT_LAST_SHOP_TTL;
  const sessionKey = (id: string) => ussdKey(keyPrefix, 'session', id);
  const shopKey = (code: string, contactId: string) =>
    ussdKey(keyPrefix, 'last-shop', code, hashPhone(contactId));
  return {
    async getSession(sessionId) {
      const raw = await redis.get(sessionKey(sessionId));
      return raw === null ? undefined : (JSON.parse(raw) as UssdSessionState);
    },
    async saveSession(sessionId, state) {
      await redis.set(
        sessionKey(sessionId),
        JSON.stringify(state),
        'EX',
        sessionTtl,
      );
    },
    async getLastShop(serviceCode, contactId) {
      const raw = await redis.get(shopKey(serviceCode, contactId));
      return raw === null ? undefined : (JSON.parse(raw) as LastShop);
    },
    async saveLastShop(serviceCode, contactId, shop) {
      await redis.set(
        shopKey(serviceCode, contactId),
        JSON.stringify(shop),
        'EX',
        shopTtl,
      );
    },
  };
}

/**
 * The store in process memory, for the embedded mode and tests; honours
 * expiry with the injected clock. Values are copied through JSON so callers
 * cannot change what is stored by keeping a reference.
 */
export function createMemoryUssdStore(
  options: UssdStoreOptions & { clock?: () => number } = {},
): UssdStore {
  const clock = options.clock ?? Date.now;
  const sessionTtl = options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL;
  const shopTtl = options.lastShopTtlSeconds ?? DEFAULT_LAST_SHOP_TTL;
  const entries = new Map<string, { json: string; expiresAt: number }>();
  const read = <T>(key: string): T | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= clock()) {
      entries.delete(key);
      return undefined;
    }
    return JSON.parse(entry.json) as T;
  };
  const write = (key: string, value: unknown, ttlSeconds: number) => {
    entries.set(key, {
      json: JSON.stringify(value),
      expiresAt: clock() + ttlSeconds * 1000,
    });
  };
  const shopKey = (code: string, contactId: string) =>
    ussdKey('mem', 'last-shop', code, hashPhone(contactId));
  // Deferred so a refused key rejects like the Redis store, not throws.
  const later = <T>(fn: () => T): Promise<T> => Promise.resolve().then(fn);
  return {
    getSession: (id) =>
      later(() => read<UssdSessionState>(ussdKey('mem', 'session', id))),
    saveSession: (id, state) =>
      later(() => write(ussdKey('mem', 'session', id), state, sessionTtl)),
    getLastShop: (code, contactId) =>
      later(() => read<LastShop>(shopKey(code, contactId))),
    saveLastShop: (code, contactId, shop) =>
      later(() => write(shopKey(code, contactId), shop, shopTtl)),
  };
}
