import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/tenancy/api-keys.ts';
import {
  getTenantBySlug,
  provisionTenant,
  STARTER_CATEGORIES,
  withTenant,
  type ProvisionRequest,
  type ProvisionStep,
} from '../../src/tenancy/index.ts';
import { TEST_POSTGRES_URL } from '../support/services.ts';
import {
  createTestControlPlane,
  type TestControlPlane,
} from './control-plane-fixture.ts';

let fixture: TestControlPlane;

beforeAll(async () => {
  fixture = await createTestControlPlane('provision');
});

afterAll(async () => {
  await fixture?.close();
});

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [name],
    );
    return rows.length > 0;
  } finally {
    await client.end();
  }
}

async function controlCount(
  table: string,
  where = 'true',
  values: unknown[] = [],
) {
  const { rows } = await fixture.cp.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM control.${table} WHERE ${where}`,
    values,
  );
  return Number(rows[0]?.n);
}

describe('provisionTenant', () => {
  describe('when a basic tenant is created', () => {
    it('places it on the shared shard with seed data, numbers and a hashed key', async () => {
      const result = await provisionTenant(fixture.cp, {
        name: 'Mama Thandi Spaza',
        tier: 'basic',
        ownerPhone: '+27821110001',
        defaultLanguage: 'zu',
        whatsappPhoneNumberId: '100200300',
        whatsappNumber: '+27821110002',
        whatsappAccessToken: 'EAAG-secret-token',
        ussdCode: '*120*5001#',
      });

      expect(result.isNew).toBe(true);
      expect(result.tenant).toMatchObject({
        slug: 'mama-thandi-spaza',
        tier: 'basic',
        status: 'active',
        shardId: 'shared-1',
        defaultLanguage: 'zu',
      });
      expect(result.shard.kind).toBe('shared');
      expect(result.webhookUrls).toEqual({
        whatsapp: 'http://localhost:3000/webhooks/whatsapp',
        ussd: 'http://localhost:3000/ussd',
      });
      expect(result.apiKey).toMatch(/^wk_/);
      const { rows: keys } = await fixture.cp.pool.query<{ key_hash: string }>(
        'SELECT key_hash FROM control.api_keys WHERE tenant_id = $1',
        [result.tenant.id],
      );
      expect(keys).toEqual([{ key_hash: hashApiKey(result.apiKey ?? '') }]);
      const { rows: tokens } = await fixture.cp.pool.query<{ t: string }>(
        'SELECT access_token_encrypted AS t FROM control.whatsapp_numbers WHERE tenant_id = $1',
        [result.tenant.id],
      );
      expect(tokens[0]?.t).not.toContain('EAAG');
      expect(fixture.cp.secrets.decrypt(tokens[0]?.t ?? '')).toBe(
        'EAAG-secret-token',
      );

      const seeded = await withTenant(
        fixture.cp,
        result.tenant,
        async (db) => ({
          users: await db.user.findMany(),
          categories: await db.category.findMany({
            orderBy: { sortOrder: 'asc' },
          }),
        }),
      );
      expect(seeded.users).toMatchObject([
        { phone: '+27821110001', role: 'admin', language: 'zu' },
      ]);
      expect(seeded.categories.map((c) => c.nameKey)).toEqual(
        STARTER_CATEGORIES.map((c) => c.nameKey),
      );
    });
  });

  describe('when a premium tenant is created', () => {
    it('creates a dedicated database and a dedicated shard for it', async () => {
      const result = await provisionTenant(fixture.cp, {
        name: 'Kasi Grill',
        tier: 'premium',
        ownerPhone: '+27821110011',
      });

      expect(result.shard.kind).toBe('dedicated');
      expect(result.shard.databaseName).toBe(
        `${fixture.database.name}_t_${result.tenant.id}`,
      );
      expect(await databaseExists(result.shard.databaseName)).toBe(true);
      const users = await withTenant(fixture.cp, result.tenant, (db) =>
        db.user.count(),
      );
      expect(users).toBe(1);
      // The tenant's schema is in its own database, not the control one.
      const { rows } = await fixture.cp.pool.query(
        'SELECT 1 FROM pg_namespace WHERE nspname = $1',
        [result.tenant.schemaName],
      );
      expect(rows).toHaveLength(0);
    });
  });

  describe('when the same request is sent again', () => {
    it('returns the existing tenant without a new key', async () => {
      const request: ProvisionRequest = {
        name: 'Retry Shop',
        tier: 'basic',
        ownerPhone: '+27821110021',
        requestKey: 'retry-shop-request-1',
      };
      const first = await provisionTenant(fixture.cp, request);
      const again = await provisionTenant(fixture.cp, request);

      expect(again.isNew).toBe(false);
      expect(again.apiKey).toBeNull();
      expect(again.tenant.id).toBe(first.tenant.id);
      expect(await controlCount('tenants', 'slug = $1', ['retry-shop'])).toBe(
        1,
      );
      expect(
        await controlCount('api_keys', 'tenant_id = $1', [first.tenant.id]),
      ).toBe(1);
    });

    it('derives the same request key from the content when none is given', async () => {
      const request = {
        name: 'Derived Key Shop',
        tier: 'basic',
        ownerPhone: '+27821110031',
      };
      const first = await provisionTenant(fixture.cp, request);
      const again = await provisionTenant(fixture.cp, { ...request });
      expect(again).toMatchObject({
        isNew: false,
        tenant: { id: first.tenant.id },
      });
    });
  });

  describe('when a step fails half-way', () => {
    const cases: Array<[string, ProvisionStep]> = [
      ['basic', 'seed'],
      ['basic', 'activate'],
      ['premium', 'migrate'],
    ];
    it.each(cases)(
      'leaves nothing of a %s tenant failing after %s',
      async (tier, step) => {
        const slug = `half-${tier}-${step}`;
        const tenantId = `half${tier.slice(0, 3)}${step.slice(0, 3)}`;
        const error = await provisionTenant(
          fixture.cp,
          {
            name: 'Half Made',
            tier,
            slug,
            ownerPhone: '+27821110041',
            whatsappPhoneNumberId: '555000111',
            whatsappNumber: '+27821110042',
            sharedUssdCode: '*120*9000#',
            storeCode: '42',
          },
          { failAfterStep: step, newTenantId: () => tenantId },
        ).catch((caught: unknown) => caught);

        expect(error).toMatchObject({
          code: 'tenant.provision_injected_failure',
        });
        expect(await getTenantBySlug(fixture.cp, slug)).toBeNull();
        expect(
          await controlCount('whatsapp_numbers', 'tenant_id = $1', [tenantId]),
        ).toBe(0);
        expect(
          await controlCount('store_codes', 'tenant_id = $1', [tenantId]),
        ).toBe(0);
        expect(await controlCount('shared_ussd_codes')).toBe(0);
        expect(
          await controlCount('api_keys', 'tenant_id = $1', [tenantId]),
        ).toBe(0);
        expect(
          await controlCount('shards', 'id = $1', [`dedicated-${tenantId}`]),
        ).toBe(0);
        const { rows } = await fixture.cp.pool.query(
          'SELECT 1 FROM pg_namespace WHERE nspname = $1',
          [`tenant_${tenantId}`],
        );
        expect(rows).toHaveLength(0);
        expect(
          await databaseExists(`${fixture.database.name}_t_${tenantId}`),
        ).toBe(false);
      },
    );
  });

  describe('when the input is bad', () => {
    const base = {
      name: 'Bad Input Shop',
      tier: 'basic',
      ownerPhone: '+27821110051',
    };
    const cases: Array<[string, Partial<ProvisionRequest>, string, RegExp]> = [
      [
        'an invalid phone',
        { ownerPhone: '0821110051x' },
        'tenant.owner_phone_invalid',
        /E\.164/,
      ],
      [
        'an unknown tier',
        { tier: 'gold' },
        'tenant.tier_unknown',
        /basic, premium, enterprise/,
      ],
      [
        'a bad slug',
        { slug: '-Bad Slug' },
        'tenant.slug_invalid',
        /lower-case/,
      ],
      [
        'a bad USSD code',
        { ussdCode: '120#' },
        'tenant.ussd_code_invalid',
        /service code/,
      ],
      [
        'a duplicate USSD code',
        { ussdCode: '*120*5001#' },
        'tenant.ussd_code_taken',
        /already owned by another tenant/,
      ],
      [
        'a taken WhatsApp phone_number_id',
        { whatsappPhoneNumberId: '100200300', whatsappNumber: '+27821119999' },
        'tenant.whatsapp_id_taken',
        /phone_number_id is already owned by another tenant/,
      ],
      [
        'a taken WhatsApp display number',
        { whatsappPhoneNumberId: '999888777', whatsappNumber: '+27821110002' },
        'tenant.whatsapp_number_taken',
        /display number is already owned by another tenant/,
      ],
      [
        'a taken slug',
        { slug: 'retry-shop' },
        'tenant.slug_taken',
        /already used/,
      ],
    ];
    it.each(cases)(
      'refuses %s with its own message',
      async (_label, change, code, message) => {
        const error = await provisionTenant(fixture.cp, {
          ...base,
          ...change,
        }).catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code });
        expect((error as Error).message).toMatch(message);
      },
    );

    it('creates nothing for any refused request', async () => {
      expect(await getTenantBySlug(fixture.cp, 'bad-input-shop')).toBeNull();
    });
  });
});
