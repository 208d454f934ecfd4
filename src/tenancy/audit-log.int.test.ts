import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertTenantRow,
  openTestControlPlane,
  type TestControlPlane,
} from '../../test/tenancy/t2-support.ts';
import { listAudit, writeAudit } from './audit-log.ts';

describe('audit log', () => {
  let env: TestControlPlane;

  beforeAll(async () => {
    env = await openTestControlPlane('audit');
  });

  afterAll(async () => {
    await env.close();
  });

  describe('when an entry is written', () => {
    it('is read back for its tenant only, newest first, scrubbed', async () => {
      const a = await insertTenantRow(env.cp);
      const b = await insertTenantRow(env.cp);
      await writeAudit(env.cp, {
        tenantId: a.id,
        actor: 'admin',
        action: 'admin.tenant.read',
        outcome: 'allowed',
      });
      await writeAudit(env.cp, {
        tenantId: a.id,
        actor: 'apikey:ak_1',
        action: 'admin.tenant.read',
        outcome: 'refused',
        target: b.slug,
        detail: { phone: '+27821234567', path: '/admin/tenants' },
      });
      await writeAudit(env.cp, {
        tenantId: b.id,
        actor: 'cli',
        action: 'x',
        outcome: 'failed',
      });
      const entries = await listAudit(env.cp, a.id);
      expect(entries.map((e) => e.outcome)).toEqual(['refused', 'allowed']);
      expect(entries[0]).toMatchObject({
        actor: 'apikey:ak_1',
        target: b.slug,
        detail: { phone: '[redacted]', path: '/admin/tenants' },
      });
    });
  });

  describe('when the outcome is not one of the three', () => {
    it('is refused by the database', async () => {
      await expect(
        writeAudit(env.cp, {
          actor: 'admin',
          action: 'x',
          outcome: 'maybe' as 'allowed',
        }),
      ).rejects.toThrow(/check constraint/);
    });
  });
});
