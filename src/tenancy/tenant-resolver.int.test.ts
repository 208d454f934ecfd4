import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.ts';
import {
  insertTenantRow,
  openTestControlPlane,
  type TestControlPlane,
} from '../../test/tenancy/t2-support.ts';
import { TEST_REDIS_URL, uniqueSuffix } from '../../test/support/services.ts';
import {
  createTenantResolver,
  resolverKey,
  type TenantResolver,
} from './tenant-resolver.ts';

const logger = createLogger({ level: 'silent' });

describe('TenantResolver', () => {
  let env: TestControlPlane;
  let redis: Redis;
  let prefix: string;
  let resolver: TenantResolver;
  let tenant: { id: string; slug: string };

  beforeAll(async () => {
    env = await openTestControlPlane('resolver');
    redis = new Redis(TEST_REDIS_URL);
    prefix = `test:${uniqueSuffix()}`;
    resolver = createTenantResolver({
      controlPlane: env.cp,
      redis,
      keyPrefix: prefix,
      ttlSeconds: 60,
      unknownTtlSeconds: 1,
      logger,
    });
    tenant = await insertTenantRow(env.cp);
    await env.cp.pool.query(
      `INSERT INTO control.whatsapp_numbers (phone_number_id, tenant_id, display_number)
       VALUES ('100200300', $1, '+27110000001')`,
      [tenant.id],
    );
    await env.cp.pool.query(
      `INSERT INTO control.ussd_codes (service_code, tenant_id) VALUES ('*120*55#', $1)`,
      [tenant.id],
    );
    await env.cp.pool.query(
      `INSERT INTO control.shared_ussd_codes (service_code) VALUES ('*120*99#')`,
    );
    await env.cp.pool.query(
      `INSERT INTO control.store_codes (service_code, store_code, tenant_id)
       VALUES ('*120*99#', '42', $1)`,
      [tenant.id],
    );
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await env.close();
  });

  describe('when a number is mapped to a tenant', () => {
    it('loads it from the database on a miss and caches it with the ttl', async () => {
      const found = await resolver.byWhatsappPhoneNumberId('100200300');
      expect(found).toMatchObject({
        kind: 'tenant',
        tenant: { id: tenant.id },
      });
      const ttl = await redis.ttl(resolverKey(prefix, 'wa', '100200300'));
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);
    });

    it('answers from the cache once cached, even if the database changed', async () => {
      await resolver.byDisplayNumber('+27110000001');
      await env.cp.pool.query(
        `UPDATE control.tenants SET name = 'Renamed' WHERE id = $1`,
        [tenant.id],
      );
      const found = await resolver.byDisplayNumber('27110000001');
      expect(found).toMatchObject({
        kind: 'tenant',
        tenant: { name: `Shop ${tenant.id}` },
      });
    });

    it('drops every cached mapping of the tenant on invalidateTenant', async () => {
      await resolver.byUssdCode('*120*55#');
      await resolver.invalidateTenant(tenant.id);
      const byNumber = await resolver.byDisplayNumber('+27110000001');
      const byUssd = await resolver.byUssdCode('*120*55#');
      expect(byNumber).toMatchObject({ tenant: { name: 'Renamed' } });
      expect(byUssd).toMatchObject({ tenant: { name: 'Renamed' } });
    });

    it('resolves a store code on a shared USSD code', async () => {
      expect(await resolver.byUssdCode('*120*99#')).toEqual({
        kind: 'shared',
        serviceCode: '*120*99#',
      });
      const tenantFound = await resolver.requireByStoreCode('*120*99#', '42');
      expect(tenantFound.id).toBe(tenant.id);
    });
  });

  describe('when a lookup races a change of its mapping', () => {
    it('does not cache the answer it read before the invalidation', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The real query runs first; only its answer is held back, so the
      // read is from before the change and lands after the invalidation.
      const heldPool = {
        query: async (sql: string, values?: unknown[]) => {
          const result = await env.cp.pool.query(sql, values);
          await gate;
          return result;
        },
      } as unknown as typeof env.cp.pool;
      const racer = createTenantResolver({
        controlPlane: { pool: heldPool },
        redis,
        keyPrefix: prefix,
        logger,
      });
      const lookup = racer.byWhatsappPhoneNumberId('321321321');
      await new Promise((resolve) => setTimeout(resolve, 100));
      await env.cp.pool.query(
        `INSERT INTO control.whatsapp_numbers (phone_number_id, tenant_id, display_number)
         VALUES ('321321321', $1, '+27110000003')`,
        [tenant.id],
      );
      await resolver.invalidateMappings([
        { whatsappPhoneNumberId: '321321321' },
      ]);
      release();
      expect(await lookup).toEqual({ kind: 'unknown' });
      expect(await resolver.byWhatsappPhoneNumberId('321321321')).toMatchObject(
        {
          kind: 'tenant',
        },
      );
    });
  });

  describe('when a number is unknown', () => {
    it('caches the unknown until the new mapping is invalidated', async () => {
      expect(await resolver.byWhatsappPhoneNumberId('555666777')).toEqual({
        kind: 'unknown',
      });
      await env.cp.pool.query(
        `INSERT INTO control.whatsapp_numbers (phone_number_id, tenant_id, display_number)
         VALUES ('555666777', $1, '+27110000002')`,
        [tenant.id],
      );
      expect(await resolver.byWhatsappPhoneNumberId('555666777')).toEqual({
        kind: 'unknown',
      });
      await resolver.invalidateMappings([
        { whatsappPhoneNumberId: '555666777' },
      ]);
      expect(await resolver.byWhatsappPhoneNumberId('555666777')).toMatchObject(
        {
          kind: 'tenant',
          tenant: { id: tenant.id },
        },
      );
    });

    it('forgets the unknown once its short ttl has passed', async () => {
      expect(await resolver.byUssdCode('*120*77#')).toEqual({
        kind: 'unknown',
      });
      await env.cp.pool.query(
        `INSERT INTO control.ussd_codes (service_code, tenant_id) VALUES ('*120*77#', $1)`,
        [tenant.id],
      );
      expect(await resolver.byUssdCode('*120*77#')).toEqual({
        kind: 'unknown',
      });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await resolver.byUssdCode('*120*77#')).toMatchObject({
        kind: 'tenant',
      });
    });

    it('throws tenancy.unknown_number from the require variant', async () => {
      await expect(
        resolver.requireByWhatsappPhoneNumberId('999000111'),
      ).rejects.toMatchObject({
        code: 'tenancy.unknown_number',
        httpStatus: 404,
      });
    });

    it('answers unknown for input that cannot form a key, without caching it', async () => {
      expect(await resolver.byWhatsappPhoneNumberId('1:2')).toEqual({
        kind: 'unknown',
      });
      expect(await resolver.byDisplayNumber('not a number')).toEqual({
        kind: 'unknown',
      });
      expect(await redis.keys(`${prefix}:{resolve}:wa:1*`)).toEqual([]);
    });
  });
});

describe('resolverKey', () => {
  it('puts every key under the prefix', () => {
    expect(resolverKey('wk', 'wa', '123')).toBe('wk:{resolve}:wa:123');
  });

  it('rejects a segment containing a colon or an empty segment', () => {
    expect(() => resolverKey('wk', 'wa', 'a:b')).toThrow(/colon/);
    expect(() => resolverKey('wk', 'wa', '')).toThrow(/non-empty/);
  });
});
