import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantMove } from '../../src/app/commands/tenant-move.ts';
import { runTenantPurgeOld } from '../../src/app/commands/tenant-purge-old.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { provisionTenant } from '../../src/tenancy/provision-tenant.ts';
import { createTenantResolver } from '../../src/tenancy/tenant-resolver.ts';
import { captureIo } from '../support/capture-io.ts';
import { TEST_REDIS_URL, uniqueSuffix } from '../support/services.ts';
import {
  openTestControlPlane,
  TEST_SECRET_KEY,
  type TestControlPlane,
} from './t2-support.ts';

describe('wakala tenant move and purge-old', () => {
  let env: TestControlPlane;
  let redis: Redis;
  let processEnv: NodeJS.ProcessEnv;
  const prefix = `test:${uniqueSuffix()}`;

  beforeAll(async () => {
    env = await openTestControlPlane('movecli');
    redis = new Redis(TEST_REDIS_URL);
    processEnv = {
      DATABASE_URL: env.database.url,
      WAKALA_SECRET_KEY: TEST_SECRET_KEY,
      REDIS_URL: TEST_REDIS_URL,
      WAKALA_REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    };
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await env.close();
  });

  describe('when the arguments are wrong', () => {
    it('exits 2 naming the problem', async () => {
      const noTarget = captureIo(processEnv);
      expect(await runTenantMove(['some-shop'], noTarget)).toBe(2);
      expect(noTarget.errors.join('\n')).toMatch(/--to must be "dedicated"/);
      const noSlug = captureIo(processEnv);
      expect(await runTenantPurgeOld([], noSlug)).toBe(2);
      const unknown = captureIo(processEnv);
      expect(
        await runTenantMove(['no-such-shop', '--to', 'dedicated'], unknown),
      ).toBe(2);
      expect(unknown.errors.join('\n')).toMatch(/tenancy.tenant_not_found/);
    });
  });

  describe('when a tenant is moved and its old schema purged', () => {
    it('prints verified counts, invalidates the cache, then drops the old schema', async () => {
      const { tenant } = await provisionTenant(env.cp, {
        name: 'Soweto Braai',
        tier: 'basic',
        ownerPhone: '+27821231111',
        whatsappPhoneNumberId: '700800900',
        whatsappNumber: '+27110009999',
      });
      const resolver = createTenantResolver({
        controlPlane: env.cp,
        redis,
        keyPrefix: prefix,
        logger: createLogger({ level: 'silent' }),
      });
      expect(
        await resolver.requireByWhatsappPhoneNumberId('700800900'),
      ).toMatchObject({
        shardId: 'shared-1',
      });

      const move = captureIo(processEnv);
      expect(
        await runTenantMove([tenant.slug, '--to', 'dedicated'], move),
      ).toBe(0);
      expect(move.lines.join('\n')).toMatch(/^users\s+1\s+1$/m);
      expect(move.lines.join('\n')).toMatch(/tier premium, shard dedicated-/);
      expect(
        await resolver.requireByWhatsappPhoneNumberId('700800900'),
      ).toMatchObject({
        shardId: `dedicated-${tenant.id}`,
        tier: 'premium',
      });

      const purge = captureIo(processEnv);
      expect(await runTenantPurgeOld([tenant.slug], purge)).toBe(0);
      expect(purge.lines[0]).toMatch(
        /^dropped old schema tenant_\w+_old_\d{14} on shard shared-1$/,
      );
      const again = captureIo(processEnv);
      expect(await runTenantPurgeOld([tenant.slug], again)).toBe(2);
      expect(again.errors.join('\n')).toMatch(/keeps no old schema/);
    });
  });
});
