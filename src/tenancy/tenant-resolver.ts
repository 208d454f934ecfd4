import type { Redis } from 'ioredis';
import { InputError, NotFoundError, WakalaError } from '../shared/errors.ts';
import { hashPhone, type Logger } from '../shared/logger.ts';
import { normalisePhone } from '../shared/phone.ts';
import type { Queryable } from './api-keys.ts';
import type { ResolvedTenant } from './tenant-context.ts';
import { toResolvedTenant, type TenantRow } from './tenant-directory.ts';

/**
 * The key prefix the app and the CLI use unless configured otherwise; both
 * must agree, or a CLI invalidation misses the app's cache.
 */
export const DEFAULT_RESOLVER_PREFIX = 'wakala';

/** What a number or code reaches. */
export type Resolution =
  | { kind: 'tenant'; tenant: ResolvedTenant }
  | { kind: 'shared'; serviceCode: string }
  | { kind: 'unknown' };

/** One mapping whose cached answer must be dropped after it changed. */
export type MappingRef =
  | { whatsappPhoneNumberId: string }
  | { displayNumber: string }
  | { ussdCode: string }
  | { sharedServiceCode: string; storeCode: string };

/** What provisioning, moves and number changes call after a change. */
export interface ResolutionInvalidator {
  /** Drops every cached mapping that answered with this tenant. */
  invalidateTenant(tenantId: string): Promise<void>;
  /** Drops the cached answer of each mapping, including cached unknowns. */
  invalidateMappings(mappings: MappingRef[]): Promise<void>;
}

/** Options of `createTenantResolver`. */
export interface TenantResolverOptions {
  controlPlane: { pool: Queryable };
  /**
   * The cache. Null in the embedded demo, which has no Redis: every lookup
   * then reads the database, which is fine for one person trying Wakala.
   */
  redis: Redis | null;
  /** Every key lives under it: `<keyPrefix>:{resolve}:...`. */
  keyPrefix: string;
  ttlSeconds?: number;
  /** How long an unknown (or a tenant in transition) is remembered. */
  unknownTtlSeconds?: number;
  logger: Logger;
}

/** Finds the tenant a number or code reaches, through a Redis cache. */
export interface TenantResolver extends ResolutionInvalidator {
  byWhatsappPhoneNumberId(phoneNumberId: string): Promise<Resolution>;
  byDisplayNumber(e164: string): Promise<Resolution>;
  byUssdCode(serviceCode: string): Promise<Resolution>;
  byStoreCode(
    sharedServiceCode: string,
    storeCode: string,
  ): Promise<Resolution>;
  /** As `byWhatsappPhoneNumberId`, throwing `tenancy.unknown_number`. */
  requireByWhatsappPhoneNumberId(
    phoneNumberId: string,
  ): Promise<ResolvedTenant>;
  /** As `byDisplayNumber`, throwing `tenancy.unknown_number`. */
  requireByDisplayNumber(e164: string): Promise<ResolvedTenant>;
  /** As `byStoreCode`, throwing `tenancy.unknown_number`. */
  requireByStoreCode(
    sharedServiceCode: string,
    storeCode: string,
  ): Promise<ResolvedTenant>;
}

/**
 * Builds every Redis key of resolution. A segment may not contain `:` or
 * be empty, so no crafted number can reach another mapping's key. The
 * `{resolve}` hash tag keeps all of them in one Redis Cluster slot, which
 * the guarded write (one script over several keys) needs.
 */
export function resolverKey(prefix: string, ...segments: string[]): string {
  if (prefix === '' || /[{}]/.test(prefix)) {
    throw new WakalaError(
      'tenancy.redis_key',
      'The resolver key prefix must be non-empty and contain no braces.',
    );
  }
  for (const segment of segments) {
    if (segment === '' || segment.includes(':')) {
      throw new InputError(
        'tenancy.redis_key',
        'A resolver key segment must be non-empty and contain no colon.',
      );
    }
  }
  return [prefix, '{resolve}', ...segments].join(':');
}

/** The key of one mapping's cached answer. */
export function mappingKey(prefix: string, mapping: MappingRef): string {
  if ('whatsappPhoneNumberId' in mapping) {
    return resolverKey(prefix, 'wa', mapping.whatsappPhoneNumberId);
  }
  if ('displayNumber' in mapping) {
    return resolverKey(prefix, 'num', mapping.displayNumber);
  }
  if ('ussdCode' in mapping)
    return resolverKey(prefix, 'ussd', mapping.ussdCode);
  return resolverKey(
    prefix,
    'store',
    mapping.sharedServiceCode,
    mapping.storeCode,
  );
}

/**
 * The tenant columns `toResolvedTenant` reads, named as the Prisma row names
 * them: one raw query with a join is the fastest uncached path.
 */
const TENANT_SQL = `SELECT t.id, t.slug, t.name, t.tier, t.status,
  t.shard_id AS "shardId", t.schema_name AS "schemaName",
  t.default_language AS "defaultLanguage",
  t.session_ttl_seconds AS "sessionTtlSeconds", t.settings
  FROM control.tenants t`;

/** The SQL that answers one kind of mapping; `$1`/`$2` are its values. */
const LOOKUPS = {
  wa: `${TENANT_SQL} JOIN control.whatsapp_numbers w ON w.tenant_id = t.id
       WHERE w.phone_number_id = $1`,
  num: `${TENANT_SQL} JOIN control.whatsapp_numbers w ON w.tenant_id = t.id
        WHERE w.display_number = $1`,
  ussd: `${TENANT_SQL} JOIN control.ussd_codes u ON u.tenant_id = t.id
         WHERE u.service_code = $1`,
  store: `${TENANT_SQL} JOIN control.store_codes s ON s.tenant_id = t.id
          WHERE s.service_code = $1 AND s.store_code = $2`,
} as const;

type LookupKind = keyof typeof LOOKUPS;

/** Statuses that change soon; their answers are kept only briefly. */
const TRANSIENT_STATUSES = new Set(['provisioning', 'moving']);

/**
 * Writes an answer only if no invalidation happened since the lookup read
 * the generation (KEYS: generation, answer, tenant index or none).
 */
const GUARDED_STORE = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
if KEYS[3] then
  redis.call('SADD', KEYS[3], KEYS[2])
  redis.call('EXPIRE', KEYS[3], ARGV[4])
end
return 1`;

/**
 * Creates the resolver. Unknown numbers are remembered for
 * `unknownTtlSeconds` so a flood of messages to a stray number does not hit
 * the database; whoever adds a mapping calls `invalidateMappings` so it is
 * visible at once. When Redis fails, lookups fall back to the database.
 *
 * Every invalidation also bumps a generation counter, and an answer read
 * from the database is cached only if the generation is still the one seen
 * before the read: a lookup racing a change can never cache the old answer
 * after the change's invalidation.
 */
export function createTenantResolver(
  options: TenantResolverOptions,
): TenantResolver {
  const { redis, keyPrefix } = options;
  const ttl = options.ttlSeconds ?? 300;
  const unknownTtl = options.unknownTtlSeconds ?? 30;
  const pool = options.controlPlane.pool;
  const logger = options.logger.child({ module: 'tenant-resolver' });
  const indexKey = (tenantId: string) =>
    resolverKey(keyPrefix, 'tenant', tenantId);
  const generationKey = resolverKey(keyPrefix, 'generation');

  async function cached(
    key: string,
    load: () => Promise<Resolution>,
  ): Promise<Resolution> {
    if (!redis) return load();
    const read = await redis
      .mget(key, generationKey)
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'resolution cache read failed');
        return undefined;
      });
    const [hit, generation] = read ?? [];
    if (typeof hit === 'string') return decode(hit);
    const found = await load();
    if (read) {
      await store(key, found, generation ?? '').catch((error: unknown) => {
        logger.warn({ err: error }, 'resolution cache write failed');
      });
    }
    return found;
  }

  async function store(
    key: string,
    found: Resolution,
    generation: string,
  ): Promise<void> {
    if (!redis) return;
    const isTransient =
      found.kind === 'unknown' ||
      (found.kind === 'tenant' && TRANSIENT_STATUSES.has(found.tenant.status));
    const seconds = isTransient ? unknownTtl : ttl;
    const keys = [generationKey, key];
    if (found.kind === 'tenant') keys.push(indexKey(found.tenant.id));
    await redis.eval(
      GUARDED_STORE,
      keys.length,
      ...keys,
      generation,
      JSON.stringify(found),
      seconds,
      ttl,
    );
  }

  async function lookupTenant(
    kind: LookupKind,
    values: string[],
    what: string,
  ) {
    const { rows } = await pool.query(LOOKUPS[kind], values);
    const row = rows[0] as TenantRow | undefined;
    if (row) return { kind: 'tenant', tenant: toResolvedTenant(row) } as const;
    logger.warn({ lookup: kind, what }, 'unknown number');
    return { kind: 'unknown' } as const;
  }

  async function lookupUssd(serviceCode: string): Promise<Resolution> {
    const { rows } = await pool.query(LOOKUPS.ussd, [serviceCode]);
    const row = rows[0] as TenantRow | undefined;
    if (row) return { kind: 'tenant', tenant: toResolvedTenant(row) };
    const shared = await pool.query(
      'SELECT 1 FROM control.shared_ussd_codes WHERE service_code = $1',
      [serviceCode],
    );
    if ((shared.rowCount ?? 0) > 0) return { kind: 'shared', serviceCode };
    logger.warn({ lookup: 'ussd', what: serviceCode }, 'unknown number');
    return { kind: 'unknown' };
  }

  async function required(
    found: Promise<Resolution>,
    what: string,
  ): Promise<ResolvedTenant> {
    const result = await found;
    if (result.kind === 'tenant') return result.tenant;
    throw new NotFoundError(
      'tenancy.unknown_number',
      `No tenant is reached through ${what}; check the number mapping in the control plane.`,
    );
  }

  const resolver: TenantResolver = {
    byWhatsappPhoneNumberId(id) {
      if (!isSafeSegment(id)) return Promise.resolve({ kind: 'unknown' });
      return cached(mappingKey(keyPrefix, { whatsappPhoneNumberId: id }), () =>
        lookupTenant('wa', [id], id),
      );
    },
    byDisplayNumber(raw) {
      const e164 = safeE164(raw);
      if (!e164) return Promise.resolve({ kind: 'unknown' });
      return cached(mappingKey(keyPrefix, { displayNumber: e164 }), () =>
        lookupTenant('num', [e164], hashPhone(e164)),
      );
    },
    byUssdCode(serviceCode) {
      if (!isSafeSegment(serviceCode))
        return Promise.resolve({ kind: 'unknown' });
      return cached(mappingKey(keyPrefix, { ussdCode: serviceCode }), () =>
        lookupUssd(serviceCode),
      );
    },
    byStoreCode(sharedServiceCode, storeCode) {
      if (!isSafeSegment(sharedServiceCode) || !isSafeSegment(storeCode)) {
        return Promise.resolve({ kind: 'unknown' });
      }
      const key = mappingKey(keyPrefix, { sharedServiceCode, storeCode });
      return cached(key, () =>
        lookupTenant(
          'store',
          [sharedServiceCode, storeCode],
          `${sharedServiceCode}/${storeCode}`,
        ),
      );
    },
    requireByWhatsappPhoneNumberId(id) {
      return required(
        resolver.byWhatsappPhoneNumberId(id),
        `WhatsApp phone_number_id ${id}`,
      );
    },
    requireByDisplayNumber(e164) {
      return required(
        resolver.byDisplayNumber(e164),
        'this WhatsApp display number',
      );
    },
    requireByStoreCode(code, store) {
      return required(
        resolver.byStoreCode(code, store),
        `store code ${store} on ${code}`,
      );
    },
    async invalidateTenant(tenantId) {
      if (!redis) return;
      // Bump first: a racing write is then refused, or already indexed.
      await redis.incr(generationKey);
      const index = indexKey(tenantId);
      const keys = await redis.smembers(index);
      await redis.del(index, ...keys);
    },
    async invalidateMappings(mappings) {
      if (!redis) return;
      const keys = mappings.map((m) => mappingKey(keyPrefix, m));
      const multi = redis.multi().incr(generationKey);
      if (keys.length > 0) multi.del(...keys);
      await multi.exec();
    },
  };
  return resolver;
}

/** Input from outside (webhooks, gateways) may not form a key segment. */
function isSafeSegment(value: string): boolean {
  return value !== '' && value.length <= 64 && !value.includes(':');
}

function safeE164(raw: string): string | null {
  try {
    return normalisePhone(raw, 'display number');
  } catch {
    return null;
  }
}

function decode(stored: string): Resolution {
  return JSON.parse(stored) as Resolution;
}
