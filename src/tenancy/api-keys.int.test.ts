import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertTenantRow,
  openTestControlPlane,
  type TestControlPlane,
} from '../../test/tenancy/t2-support.ts';
import {
  createApiKey,
  findApiKey,
  hashApiKey,
  revokeApiKey,
  verifyApiKey,
} from './api-keys.ts';

describe('api keys', () => {
  let env: TestControlPlane;
  let tenantId: string;

  beforeAll(async () => {
    env = await openTestControlPlane('apikeys');
    tenantId = (await insertTenantRow(env.cp)).id;
  });

  afterAll(async () => {
    await env.close();
  });

  describe('when a key is created', () => {
    it('returns a wk_ key once and stores only its hash and a short prefix', async () => {
      const created = await createApiKey(env.cp, tenantId, 'till');
      expect(created.key).toMatch(/^wk_[A-Za-z0-9_-]{43}$/);
      const { rows } = await env.cp.pool.query<{
        key_hash: string;
        key_prefix: string;
      }>('SELECT key_hash, key_prefix FROM control.api_keys WHERE id = $1', [
        created.id,
      ]);
      expect(rows[0]).toEqual({
        key_hash: hashApiKey(created.key),
        key_prefix: created.key.slice(0, 10),
      });
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(created.key);
    });

    it('verifies to its tenant', async () => {
      const created = await createApiKey(env.cp, tenantId);
      expect(await verifyApiKey(env.cp, created.key)).toBe(tenantId);
      expect(await findApiKey(env.cp, created.key)).toEqual({
        id: created.id,
        tenantId,
      });
    });
  });

  describe('when a key is wrong or revoked', () => {
    it('refuses a key that differs in one character', async () => {
      const created = await createApiKey(env.cp, tenantId);
      const last = created.key.at(-1) === 'A' ? 'B' : 'A';
      expect(
        await verifyApiKey(env.cp, created.key.slice(0, -1) + last),
      ).toBeNull();
    });

    it('refuses malformed keys without a lookup', async () => {
      expect(await verifyApiKey(env.cp, '')).toBeNull();
      expect(await verifyApiKey(env.cp, 'Bearer wk_short')).toBeNull();
    });

    it('refuses a revoked key', async () => {
      const created = await createApiKey(env.cp, tenantId);
      expect(await revokeApiKey(env.cp, created.id)).toBe(true);
      expect(await verifyApiKey(env.cp, created.key)).toBeNull();
      expect(await revokeApiKey(env.cp, created.id)).toBe(false);
    });
  });
});
