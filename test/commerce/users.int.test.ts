import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureCustomer,
  findUserByPhone,
  setUserLanguage,
} from '../../src/commerce/index.ts';
import { createTenantFixture, type TenantFixture } from './tenant-fixture.ts';
import { uniquePhone } from './builders.ts';

let shop: TenantFixture;

beforeAll(async () => {
  shop = await createTenantFixture();
});

afterAll(async () => {
  await shop.close();
});

describe('users', () => {
  describe('when a number is new', () => {
    it('finds nobody', async () => {
      await expect(
        shop.run(() => findUserByPhone(uniquePhone())),
      ).resolves.toBeNull();
    });

    it('creates a customer with the given language', async () => {
      const phone = uniquePhone();
      const user = await shop.run(() =>
        ensureCustomer(phone, { language: 'zu' }),
      );
      expect(user).toMatchObject({ phone, role: 'customer', language: 'zu' });
      await expect(shop.run(() => findUserByPhone(phone))).resolves.toEqual(
        user,
      );
    });

    it('creates one customer when two turns race', async () => {
      const phone = uniquePhone();
      const users = await shop.run(() =>
        Promise.all([
          ensureCustomer(phone),
          ensureCustomer(phone),
          ensureCustomer(phone),
        ]),
      );
      expect(new Set(users.map((user) => user.id)).size).toBe(1);
    });
  });

  describe('when a number is written in national form', () => {
    it('is normalised to E.164', async () => {
      const user = await shop.run(() => ensureCustomer('0821112233'));
      expect(user.phone).toBe('+27821112233');
      await expect(
        shop.run(() => findUserByPhone('+27821112233')),
      ).resolves.toMatchObject({ id: user.id });
    });
  });

  describe('when the customer exists', () => {
    it('keeps the chosen language', async () => {
      const phone = uniquePhone();
      const first = await shop.run(() =>
        ensureCustomer(phone, { language: 'xh' }),
      );
      const again = await shop.run(() =>
        ensureCustomer(phone, { language: 'af' }),
      );
      expect(again).toEqual(first);
    });

    it('fills a language that was never chosen', async () => {
      const phone = uniquePhone();
      await shop.run(() => ensureCustomer(phone));
      const again = await shop.run(() =>
        ensureCustomer(phone, { language: 'st' }),
      );
      expect(again.language).toBe('st');
    });

    it('changes the language on request', async () => {
      const phone = uniquePhone();
      const user = await shop.run(() =>
        ensureCustomer(phone, { language: 'en' }),
      );
      await shop.run(() => setUserLanguage(user.id, 'af'));
      await expect(
        shop.run(() => findUserByPhone(phone)),
      ).resolves.toMatchObject({ language: 'af' });
    });
  });

  describe('when input is wrong', () => {
    it('refuses a phone number that is not one', async () => {
      await expect(
        shop.run(() => ensureCustomer('hello')),
      ).rejects.toMatchObject({ code: 'phone.invalid' });
    });

    it('refuses an unknown language', async () => {
      await expect(
        shop.run(() =>
          ensureCustomer(uniquePhone(), { language: 'fr' as 'en' }),
        ),
      ).rejects.toMatchObject({ code: 'user.language_invalid' });
    });

    it('reports an unknown user when setting a language', async () => {
      await expect(
        shop.run(() =>
          setUserLanguage('00000000-0000-4000-8000-000000000000', 'zu'),
        ),
      ).rejects.toMatchObject({ code: 'user.not_found' });
      await expect(
        shop.run(() => setUserLanguage('not-an-id', 'zu')),
      ).rejects.toMatchObject({
        code: 'user.not_found',
      });
    });
  });

  describe('when called outside a tenant scope', () => {
    it('refuses', async () => {
      await expect(findUserByPhone(uniquePhone())).rejects.toMatchObject({
        code: 'tenancy.no_context',
      });
    });
  });
});
