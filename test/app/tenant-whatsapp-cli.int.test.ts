import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantWhatsapp } from '../../src/app/commands/tenant-whatsapp.ts';
import { main } from '../../src/app/cli.ts';
import { whatsappSettingsOf } from '../../src/channels/whatsapp/index.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { listAudit } from '../../src/tenancy/audit-log.ts';
import { createTenantResolver } from '../../src/tenancy/tenant-resolver.ts';
import { captureIo } from '../support/capture-io.ts';
import { TEST_REDIS_URL, uniqueSuffix } from '../support/services.ts';
import {
  insertTenantRow,
  openTestControlPlane,
  TEST_SECRET_KEY,
  type TestControlPlane,
} from '../tenancy/t2-support.ts';

describe('wakala tenant whatsapp', () => {
  let env: TestControlPlane;
  let redis: Redis;
  let processEnv: NodeJS.ProcessEnv;
  let shop: { id: string; slug: string };
  let otherShop: { id: string; slug: string };
  const prefix = `test:${uniqueSuffix()}`;
  const shopNumber = `71${uniqueSuffix().replace(/\D/g, '').slice(0, 8).padEnd(8, '1')}`;
  const otherNumber = `72${shopNumber.slice(2)}`;

  async function addNumber(
    tenantId: string,
    phoneNumberId: string,
    display: string,
  ): Promise<void> {
    await env.cp.pool.query(
      `INSERT INTO control.whatsapp_numbers
         (phone_number_id, tenant_id, display_number, access_token_encrypted)
       VALUES ($1, $2, $3, $4)`,
      [phoneNumberId, tenantId, display, env.cp.secrets.encrypt('old-token')],
    );
  }

  async function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const io = captureIo({ ...processEnv, ...extraEnv });
    const code = await runTenantWhatsapp(args, io);
    return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
  }

  async function storedSettings(tenantId: string): Promise<unknown> {
    const { rows } = await env.cp.pool.query<{ settings: unknown }>(
      'SELECT settings FROM control.tenants WHERE id = $1',
      [tenantId],
    );
    return rows[0]?.settings;
  }

  beforeAll(async () => {
    env = await openTestControlPlane('wacli');
    redis = new Redis(TEST_REDIS_URL);
    processEnv = {
      DATABASE_URL: env.database.url,
      WAKALA_SECRET_KEY: TEST_SECRET_KEY,
      REDIS_URL: TEST_REDIS_URL,
      WAKALA_REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
    };
    shop = await insertTenantRow(env.cp);
    otherShop = await insertTenantRow(env.cp);
    await addNumber(shop.id, shopNumber, '+27110000101');
    await addNumber(otherShop.id, otherNumber, '+27110000102');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await env.close();
  });

  describe('when the arguments are wrong', () => {
    it.each([
      [['--mark-as-read', 'on'], /exactly one tenant slug/],
      [['s', '--messages-per-second', '0'], /whole number from 1 to 1000/],
      [['s', '--messages-per-second', '1001'], /whole number from 1 to 1000/],
      [['s', '--messages-per-second', '2.5'], /not "2.5"/],
      [
        ['s', '--template', 'Order_Update', '--template-language', 'zu'],
        /lower-case/,
      ],
      [
        ['s', '--template', 'order_update'],
        /both --template <name> and --template-language/,
      ],
      [
        ['s', '--template-language', 'english', '--template', 'x'],
        /not a code such as en/,
      ],
      [
        ['s', '--no-template', '--template', 'x'],
        /either --no-template or --template/,
      ],
      [['s', '--mark-as-read', 'yes'], /on or off, not "yes"/],
      [['s', '--number', '123'], /5 to 20 digits/],
      [
        ['s', '--number', '12345678'],
        /needs --messages-per-second or --access-token-from-env/,
      ],
      [['s', '--access-token-from-env'], /needs --number/],
      [['s', '--colour', 'red'], /Unknown option/],
    ])('exits 2 for %j naming the problem', async (args, message) => {
      const { code, err } = await run(args);
      expect(code).toBe(2);
      expect(err).toMatch(message);
    });

    it('refuses a token flag when the variable is empty', async () => {
      const { code, err } = await run(
        [shop.slug, '--number', shopNumber, '--access-token-from-env'],
        { WAKALA_WHATSAPP_ACCESS_TOKEN: '' },
      );
      expect(code).toBe(2);
      expect(err).toMatch(/WAKALA_WHATSAPP_ACCESS_TOKEN is empty/);
    });

    it('names an unknown shop', async () => {
      const { code, err } = await run(['no-such-shop']);
      expect(code).toBe(2);
      expect(err).toMatch(/tenancy\.tenant_not_found/);
    });

    it('refuses another shop’s number and writes nothing at all', async () => {
      const before = await storedSettings(shop.id);
      const { code, err } = await run([
        shop.slug,
        '--mark-as-read',
        'on',
        '--number',
        otherNumber,
        '--messages-per-second',
        '5',
      ]);
      expect(code).toBe(2);
      expect(err).toMatch(/whatsapp\.number_not_of_tenant/);
      expect(await storedSettings(shop.id)).toEqual(before);
      const { rows } = await env.cp.pool.query<{ r: number | null }>(
        'SELECT messages_per_second AS r FROM control.whatsapp_numbers WHERE phone_number_id = $1',
        [otherNumber],
      );
      expect(rows[0]?.r).toBeNull();
    });
  });

  describe('when a shop’s settings are shown and changed', () => {
    it('falls back number → shop → default, audits each change and drops the cached resolution', async () => {
      const resolver = createTenantResolver({
        controlPlane: env.cp,
        redis,
        keyPrefix: prefix,
        logger: createLogger({ level: 'silent' }),
      });
      const cachedSettings = async () =>
        whatsappSettingsOf(
          await resolver.requireByWhatsappPhoneNumberId(shopNumber),
        );
      expect(await cachedSettings()).toEqual({ isMarkAsRead: false });

      const shown = await run([shop.slug]);
      expect(shown.code).toBe(0);
      expect(shown.out).toMatch(
        new RegExp(
          `number: +${shopNumber} \\+27110000101, 80 messages per second \\(default\\), token stored`,
        ),
      );
      expect(shown.out).toMatch(/template: +none/);

      const shopWide = await run([
        shop.slug,
        '--template',
        'order_update',
        '--template-language',
        'zu',
        '--mark-as-read',
        'on',
        '--messages-per-second',
        '20',
      ]);
      expect(shopWide.code).toBe(0);
      expect(shopWide.out).toMatch(/template: +order_update \(zu\)/);
      expect(shopWide.out).toMatch(/20 messages per second \(tenant\)/);
      expect(await cachedSettings()).toEqual({
        isMarkAsRead: true,
        template: { name: 'order_update', language: 'zu' },
        messagesPerSecond: 20,
      });

      const ownRate = await run([
        shop.slug,
        '--number',
        shopNumber,
        '--messages-per-second',
        '5',
      ]);
      expect(ownRate.code).toBe(0);
      expect(ownRate.out).toMatch(/5 messages per second \(number\)/);

      const backToShop = await run([
        shop.slug,
        '--number',
        shopNumber,
        '--messages-per-second',
        'default',
      ]);
      expect(backToShop.out).toMatch(/20 messages per second \(tenant\)/);

      const backToDefault = await run([
        shop.slug,
        '--messages-per-second',
        'default',
        '--no-template',
      ]);
      expect(backToDefault.out).toMatch(/80 messages per second \(default\)/);
      expect(backToDefault.out).toMatch(/template: +none/);
      expect(await storedSettings(shop.id)).toEqual({
        whatsapp: { markAsRead: true },
      });

      const actions = (await listAudit(env.cp, shop.id)).filter(
        (entry) => entry.action === 'tenant.whatsapp_settings',
      );
      expect(actions).toHaveLength(4);
      expect(actions.at(-1)?.detail).toMatchObject({
        template: { name: 'order_update', language: 'zu' },
        isMarkAsRead: true,
        tenantMessagesPerSecond: 20,
      });
    });

    it('stores a new access token encrypted and never writes it to the audit', async () => {
      const token = `EAAG-${uniqueSuffix()}`;
      const changed = await run(
        [shop.slug, '--number', shopNumber, '--access-token-from-env'],
        { WAKALA_WHATSAPP_ACCESS_TOKEN: token },
      );
      expect(changed.code).toBe(0);
      expect(changed.out).not.toContain(token);

      const { rows } = await env.cp.pool.query<{ sealed: string }>(
        'SELECT access_token_encrypted AS sealed FROM control.whatsapp_numbers WHERE phone_number_id = $1',
        [shopNumber],
      );
      expect(rows[0]?.sealed).not.toContain(token);
      expect(env.cp.secrets.decrypt(rows[0]?.sealed ?? '')).toBe(token);
      const audit = JSON.stringify(await listAudit(env.cp, shop.id));
      expect(audit).not.toContain(token);
      expect(audit).toContain('"isCredentialReplaced":true');
    });
  });

  describe('when run through the wakala command line', () => {
    it('is listed in the usage and reached by its two words', async () => {
      const help = captureIo(processEnv);
      await main(['help'], help);
      expect(help.lines.join('\n')).toMatch(/tenant whatsapp <slug>/);

      const io = captureIo(processEnv);
      expect(await main(['tenant', 'whatsapp', shop.slug], io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/mark as read: on/);
    });
  });
});
