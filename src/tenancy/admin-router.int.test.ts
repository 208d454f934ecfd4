import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../shared/logger.ts';
import {
  openTestControlPlane,
  type TestControlPlane,
} from '../../test/tenancy/t2-support.ts';
import { adminErrorHandler, createAdminRouter } from './admin-router.ts';
import { findApiKey, revokeApiKey } from './api-keys.ts';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const logger = createLogger({ level: 'silent' });

/** The JSON answers of the admin API, as the tests read them. */
interface AdminBody {
  error: { code: string; message: string };
  id: string;
  slug: string;
  apiKey: string;
  tenants: Array<{ id: string; slug: string }>;
  tenant: Record<string, unknown>;
  entries: Array<Record<string, unknown>>;
}
const bodyOf = (res: { body: unknown }): AdminBody => res.body as AdminBody;

describe('createAdminRouter', () => {
  let env: TestControlPlane;
  let app: express.Express;
  let shopA: { slug: string; id: string; apiKey: string };
  let shopB: { slug: string; id: string; apiKey: string };

  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const asKey = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function create(name: string, ownerPhone: string, key: string) {
    const res = await request(app)
      .post('/admin/tenants')
      .set(admin)
      .set('Idempotency-Key', key)
      .send({ name, tier: 'basic', ownerPhone });
    expect(res.status).toBe(201);
    return bodyOf(res) as { slug: string; id: string; apiKey: string };
  }

  beforeAll(async () => {
    env = await openTestControlPlane('admin');
    app = express();
    app.use(express.json());
    app.use(
      '/admin',
      createAdminRouter({
        controlPlane: env.cp,
        adminToken: ADMIN_TOKEN,
        logger,
      }),
    );
    app.use(adminErrorHandler(logger));
    shopA = await create('Spaza A', '+27821110001', 'request-key-shop-a');
    shopB = await create('Spaza B', '+27821110002', 'request-key-shop-b');
  });

  afterAll(async () => {
    await env.close();
  });

  describe('when the token is missing or wrong', () => {
    it('answers 401 naming the missing header', async () => {
      const res = await request(app).get('/admin/tenants');
      expect(res.status).toBe(401);
      expect(bodyOf(res).error.code).toBe('admin.auth_missing');
      expect(bodyOf(res).error.message).toMatch(/Authorization: Bearer/);
    });

    it('answers 401 to a wrong token and to a revoked key', async () => {
      const wrong = await request(app).get('/admin/tenants').set(asKey('nope'));
      expect(wrong.status).toBe(401);
      expect(bodyOf(wrong).error.code).toBe('admin.auth_invalid');
      const post = await request(app).post('/admin/tenants').set(admin).send({
        name: 'Revoked Shop',
        tier: 'basic',
        ownerPhone: '+27821110009',
      });
      const key = await findApiKey(env.cp, bodyOf(post).apiKey);
      await revokeApiKey(env.cp, key?.id ?? '');
      const revoked = await request(app)
        .get('/admin/tenants')
        .set(asKey(bodyOf(post).apiKey));
      expect(revoked.status).toBe(401);
    });
  });

  describe('when the platform admin creates a tenant', () => {
    it('answers 201 with slug, shard, a wk_ key and the webhook URLs', async () => {
      const res = await request(app)
        .post('/admin/tenants')
        .set(admin)
        .set('Idempotency-Key', 'request-key-shop-c')
        .send({
          name: 'Kasi Eats',
          tier: 'basic',
          ownerPhone: '+27821110003',
          slug: 'kasi-eats',
        });
      expect(res.status).toBe(201);
      expect(bodyOf(res)).toMatchObject({
        slug: 'kasi-eats',
        tier: 'basic',
        shard: 'shared-1',
        isNew: true,
        webhookUrls: { whatsapp: 'http://localhost:3000/webhooks/whatsapp' },
      });
      expect(bodyOf(res).apiKey).toMatch(/^wk_/);
    });

    it('answers 200 with isNew false and no key on a retry', async () => {
      const res = await request(app)
        .post('/admin/tenants')
        .set(admin)
        .set('Idempotency-Key', 'request-key-shop-c')
        .send({
          name: 'Kasi Eats',
          tier: 'basic',
          ownerPhone: '+27821110003',
          slug: 'kasi-eats',
        });
      expect(res.status).toBe(200);
      expect(bodyOf(res)).toMatchObject({
        slug: 'kasi-eats',
        isNew: false,
        apiKey: null,
      });
    });

    it('refuses bad input with its specific code', async () => {
      const phone = await request(app)
        .post('/admin/tenants')
        .set(admin)
        .send({ name: 'Bad', tier: 'basic', ownerPhone: '0821' });
      expect(phone.status).toBe(400);
      expect(bodyOf(phone).error.code).toBe('tenant.owner_phone_invalid');
      const tier = await request(app)
        .post('/admin/tenants')
        .set(admin)
        .send({ name: 'Bad', tier: 'gold', ownerPhone: '+27821110004' });
      expect(bodyOf(tier).error).toMatchObject({ code: 'tenant.tier_unknown' });
      const shape = await request(app)
        .post('/admin/tenants')
        .set(admin)
        .send({ name: 5 });
      expect(bodyOf(shape).error.code).toBe('admin.field_invalid');
    });

    it('answers 400 to malformed JSON', async () => {
      const res = await request(app)
        .post('/admin/tenants')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expect(res.status).toBe(400);
      expect(bodyOf(res).error.code).toBe('admin.malformed_json');
    });
  });

  describe('when a tenant key is used', () => {
    it('lists only its own tenant', async () => {
      const res = await request(app)
        .get('/admin/tenants')
        .set(asKey(shopA.apiKey));
      expect(res.status).toBe(200);
      expect(bodyOf(res).tenants.map((t: { slug: string }) => t.slug)).toEqual([
        shopA.slug,
      ]);
      const all = await request(app).get('/admin/tenants').set(admin);
      expect(bodyOf(all).tenants.length).toBeGreaterThanOrEqual(3);
    });

    it('reads its own tenant', async () => {
      const res = await request(app)
        .get(`/admin/tenants/${shopA.slug}`)
        .set(asKey(shopA.apiKey));
      expect(res.status).toBe(200);
      expect(bodyOf(res).tenant).toMatchObject({
        id: shopA.id,
        shard: { name: 'shared-1' },
      });
    });

    it('answers 403 on another tenant and writes the refusal to the audit log', async () => {
      const res = await request(app)
        .get(`/admin/tenants/${shopB.slug}`)
        .set(asKey(shopA.apiKey));
      expect(res.status).toBe(403);
      expect(bodyOf(res).error.code).toBe('admin.forbidden_tenant');
      const audit = await request(app)
        .get(`/admin/tenants/${shopA.slug}/audit`)
        .set(asKey(shopA.apiKey));
      const key = await findApiKey(env.cp, shopA.apiKey);
      expect(bodyOf(audit).entries[0]).toMatchObject({
        actor: `apikey:${key?.id}`,
        outcome: 'refused',
        target: shopB.slug,
        action: 'admin.tenant.read',
      });
    });

    it('may not create tenants', async () => {
      const res = await request(app)
        .post('/admin/tenants')
        .set(asKey(shopA.apiKey))
        .send({ name: 'Sneaky', tier: 'basic', ownerPhone: '+27821110005' });
      expect(res.status).toBe(403);
      expect(bodyOf(res).error.code).toBe('admin.forbidden');
    });
  });

  describe('when the admin asks for a slug that does not exist', () => {
    it('answers 404', async () => {
      const res = await request(app)
        .get('/admin/tenants/no-such-shop')
        .set(admin);
      expect(res.status).toBe(404);
      expect(bodyOf(res).error.code).toBe('admin.tenant_not_found');
    });
  });
});
