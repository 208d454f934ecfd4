import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrate } from '../../src/app/commands/migrate.ts';
import { runTenantCreate } from '../../src/app/commands/tenant-create.ts';
import { runTenantList } from '../../src/app/commands/tenant-list.ts';
import { Redis } from 'ioredis';
import {
  createControlPlane,
  createTenantResolver,
} from '../../src/tenancy/index.ts';
import { createLogger } from '../../src/shared/index.ts';
import {
  createTestDatabase,
  TEST_REDIS_URL,
  uniqueSuffix,
  type TestDatabase,
} from '../support/services.ts';
import { TEST_SECRET_KEY } from './control-plane-fixture.ts';
import { captureIo } from '../support/capture-io.ts';

let database: TestDatabase;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  database = await createTestDatabase('commands');
  env = {
    DATABASE_URL: database.url,
    WAKALA_SECRET_KEY: TEST_SECRET_KEY,
    WAKALA_PUBLIC_URL: 'https://wakala.example.co.za',
  };
});

afterAll(async () => {
  await database?.drop();
});

const SHOP = [
  '--name',
  'Sipho Tuck Shop',
  '--tier',
  'basic',
  '--owner-phone',
  '+27827770001',
  '--whatsapp-phone-id',
  '8000001',
  '--whatsapp-number',
  '+27827770002',
  '--ussd-code',
  '*120*7001#',
];

describe('tenancy commands', () => {
  describe('when DATABASE_URL or WAKALA_SECRET_KEY is missing', () => {
    it('fails naming the variable', async () => {
      const noUrl = captureIo({ WAKALA_SECRET_KEY: TEST_SECRET_KEY });
      const noKey = captureIo({ DATABASE_URL: 'postgres://127.0.0.1/x' });
      expect(await runTenantList([], noUrl)).toBe(2);
      expect(await runMigrate([], noKey)).toBe(2);
      expect(noUrl.errors.join('\n')).toContain('DATABASE_URL');
      expect(noKey.errors.join('\n')).toContain('WAKALA_SECRET_KEY');
    });
  });

  describe('when migrate runs on a fresh database and again', () => {
    it('applies the control plane first, then reports it up to date', async () => {
      const first = captureIo(env);
      expect(await runMigrate([], first)).toBe(0);
      expect(first.lines).toContain(
        'control plane: applied 0001_control_plane.sql, 0002_whatsapp_number_rate.sql',
      );
      const second = captureIo(env);
      expect(await runMigrate(['--concurrency', '2'], second)).toBe(0);
      expect(second.lines).toContain('control plane: up to date');
    });
  });

  describe('when tenant create gets bad input', () => {
    it.each([
      [['--name', 'X Shop', '--tier', 'basic'], /Missing --owner-phone/],
      [
        ['--name', 'X Shop', '--tier', 'gold', '--owner-phone', '+27827770009'],
        /basic, premium, enterprise/,
      ],
      [
        ['--name', 'X Shop', '--tier', 'basic', '--owner-phone', '082777'],
        /E\.164/,
      ],
      [['--name', 'X Shop', '--colour', 'red'], /colour/],
    ])('exits non-zero naming the problem (%j)', async (argv, message) => {
      const io = captureIo(env);
      expect(await runTenantCreate(argv, io)).not.toBe(0);
      expect(io.errors.join('\n')).toMatch(message);
      expect(io.lines).toEqual([]);
    });
  });

  describe('when tenant create succeeds and is repeated', () => {
    it('prints the key once, then says the tenant exists', async () => {
      const first = captureIo(env);
      expect(await runTenantCreate(SHOP, first)).toBe(0);
      const output = first.lines.join('\n');
      expect(output).toContain('slug:    sipho-tuck-shop');
      expect(output).toContain('tier:    basic');
      expect(output).toContain('shard:   shared-1 (shared)');
      expect(output).toMatch(/api key: wk_[A-Za-z0-9_-]{20,}/);
      expect(output).toContain(
        'https://wakala.example.co.za/webhooks/whatsapp',
      );
      expect(output).toContain('https://wakala.example.co.za/ussd');

      const again = captureIo(env);
      expect(await runTenantCreate(SHOP, again)).toBe(0);
      expect(again.lines[0]).toBe('tenant already exists (same request)');
      expect(again.lines.join('\n')).not.toMatch(/wk_/);
    });

    it('refuses another tenant on the same WhatsApp number', async () => {
      const io = captureIo(env);
      const argv = [
        ...SHOP.slice(6),
        '--name',
        'Copy Cat',
        '--tier',
        'basic',
        '--owner-phone',
        '+27827770003',
      ];
      expect(await runTenantCreate(argv, io)).toBe(2);
      expect(io.errors.join('\n')).toContain('already owned by another tenant');
    });
  });

  describe('when tenant list runs', () => {
    it('shows slug, tier, status, shard and numbers', async () => {
      const io = captureIo(env);
      expect(await runTenantList([], io)).toBe(0);
      expect(io.lines[0]).toMatch(
        /^slug\s+name\s+tier\s+status\s+shard\s+numbers$/,
      );
      const row = io.lines.find((line) => line.startsWith('sipho-tuck-shop'));
      expect(row).toMatch(
        /Sipho Tuck Shop\s+basic\s+active\s+shared-1 \(shared\)/,
      );
      expect(row).toContain('wa:+27827770002 (8000001)');
      expect(row).toContain('ussd:*120*7001#');
    });

    it('lets migrate report the tenant schema as up to date', async () => {
      const io = captureIo(env);
      expect(await runMigrate([], io)).toBe(0);
      expect(io.lines).toContain('migrated 1/1 tenant schemas');
      expect(io.lines.at(-1)).toMatch(
        /^tenant schemas: 0 migrated, 1 already up to date/,
      );
    });
  });

  describe('when a number was looked up before its shop existed', () => {
    it('tenant create drops the cached unknown, so the shop answers at once', async () => {
      const prefix = `test-cmd-${uniqueSuffix()}`;
      const redis = new Redis(TEST_REDIS_URL);
      const cp = await createControlPlane({
        databaseUrl: database.url,
        secretKey: TEST_SECRET_KEY,
        logger: createLogger({ level: 'silent' }),
      });
      const resolver = createTenantResolver({
        controlPlane: cp,
        redis,
        keyPrefix: prefix,
        logger: createLogger({ level: 'silent' }),
      });
      try {
        const before = await resolver.byWhatsappPhoneNumberId('8000009');
        expect(before.kind).toBe('unknown');
        const io = captureIo({
          ...env,
          REDIS_URL: TEST_REDIS_URL,
          WAKALA_REDIS_PREFIX: prefix,
        });
        const argv = [
          '--name',
          'Late Number Shop',
          '--tier',
          'basic',
          '--owner-phone',
          '+27827770009',
          '--whatsapp-phone-id',
          '8000009',
          '--whatsapp-number',
          '+27827770010',
        ];
        expect(await runTenantCreate(argv, io)).toBe(0);
        const after = await resolver.byWhatsappPhoneNumberId('8000009');
        expect(after).toMatchObject({
          kind: 'tenant',
          tenant: { slug: 'late-number-shop' },
        });
      } finally {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
        await cp.close();
      }
    });
  });
});
