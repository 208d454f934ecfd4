import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getConsentStatus, recordConsent } from '../../src/privacy/index.ts';
import { hashPhone } from '../../src/shared/index.ts';
import { createTenantFixture, type TenantFixture } from './tenant-fixture.ts';
import { createCustomerRow, uniquePhone } from './builders.ts';

let shop: TenantFixture;

beforeAll(async () => {
  shop = await createTenantFixture();
});

afterAll(async () => {
  await shop.close();
});

const answer = (contactHash: string, isGranted: boolean) => ({
  contactHash,
  purpose: 'processing' as const,
  isGranted,
  noticeVersion: '2025-01',
  channel: 'ussd',
});

describe('consent', () => {
  describe('when a contact was never asked', () => {
    it('is unknown', async () => {
      await expect(
        shop.run(() => getConsentStatus(hashPhone(uniquePhone()))),
      ).resolves.toBe('unknown');
    });
  });

  describe('when a contact refuses', () => {
    it('is refused and kept without a user', async () => {
      const contactHash = hashPhone(uniquePhone());
      await shop.run(() => recordConsent(answer(contactHash, false)));
      await expect(shop.run(() => getConsentStatus(contactHash))).resolves.toBe(
        'refused',
      );
      const rows = await shop.db.consent.findMany({ where: { contactHash } });
      expect(rows).toEqual([
        expect.objectContaining({ userId: null, isGranted: false }),
      ]);
    });
  });

  describe('when a contact answers again', () => {
    it('follows the newest answer and keeps the history', async () => {
      const contactHash = hashPhone(uniquePhone());
      const userId = await createCustomerRow(shop.db);
      await shop.run(() => recordConsent(answer(contactHash, false)));
      await shop.run(() =>
        recordConsent({ ...answer(contactHash, true), userId }),
      );
      await expect(shop.run(() => getConsentStatus(contactHash))).resolves.toBe(
        'granted',
      );
      await expect(
        shop.db.consent.count({ where: { contactHash } }),
      ).resolves.toBe(2);
    });
  });

  describe('when purposes differ', () => {
    it('keeps each purpose apart', async () => {
      const contactHash = hashPhone(uniquePhone());
      await shop.run(() =>
        recordConsent({ ...answer(contactHash, true), purpose: 'marketing' }),
      );
      await expect(shop.run(() => getConsentStatus(contactHash))).resolves.toBe(
        'unknown',
      );
      await expect(
        shop.run(() => getConsentStatus(contactHash, 'marketing')),
      ).resolves.toBe('granted');
    });
  });

  describe('when input is wrong', () => {
    it('refuses a phone number in place of a hash', async () => {
      await expect(
        shop.run(() => recordConsent(answer('27821234567', true))),
      ).rejects.toMatchObject({
        code: 'consent.contact_hash_invalid',
      });
      await expect(
        shop.run(() => recordConsent(answer('+27821234567', true))),
      ).rejects.toMatchObject({
        code: 'consent.contact_hash_invalid',
      });
    });

    it('refuses an unknown purpose and missing details', async () => {
      const contactHash = hashPhone(uniquePhone());
      await expect(
        shop.run(() =>
          recordConsent({
            ...answer(contactHash, true),
            purpose: 'selling' as 'marketing',
          }),
        ),
      ).rejects.toMatchObject({ code: 'consent.purpose_invalid' });
      await expect(
        shop.run(() =>
          recordConsent({ ...answer(contactHash, true), noticeVersion: '' }),
        ),
      ).rejects.toMatchObject({ code: 'consent.details_missing' });
    });
  });
});
