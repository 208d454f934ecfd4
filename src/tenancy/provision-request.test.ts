import { describe, expect, it } from 'vitest';
import {
  deriveRequestKey,
  slugFromName,
  validateProvisionRequest,
} from './provision-request.ts';

const base = { name: 'Gogo Spaza', tier: 'basic', ownerPhone: '+27821234567' };

describe('validateProvisionRequest', () => {
  describe('when the request is minimal', () => {
    it('fills in slug, language and a derived request key', () => {
      expect(validateProvisionRequest(base)).toEqual({
        name: 'Gogo Spaza',
        tier: 'basic',
        ownerPhone: '+27821234567',
        slug: 'gogo-spaza',
        defaultLanguage: 'en',
        requestKey: deriveRequestKey(base),
      });
    });
  });

  describe('when a WhatsApp number comes without its id', () => {
    it('refuses with tenant.whatsapp_incomplete', () => {
      expect(() =>
        validateProvisionRequest({ ...base, whatsappNumber: '+27821234568' }),
      ).toThrow(
        expect.objectContaining({ code: 'tenant.whatsapp_incomplete' }),
      );
    });
  });

  describe('when a store code comes without its shared code', () => {
    it('refuses with tenant.store_code_incomplete', () => {
      expect(() =>
        validateProvisionRequest({ ...base, storeCode: '12' }),
      ).toThrow(
        expect.objectContaining({ code: 'tenant.store_code_incomplete' }),
      );
    });
  });

  describe('when the language is not one of the five', () => {
    it('refuses naming the allowed ones', () => {
      expect(() =>
        validateProvisionRequest({ ...base, defaultLanguage: 'fr' }),
      ).toThrow(/en, zu, xh, af, st/);
    });
  });

  describe('when the phone number is refused', () => {
    it('does not echo the number', () => {
      const error = (() => {
        try {
          validateProvisionRequest({ ...base, ownerPhone: '0821234567' });
        } catch (caught) {
          return caught as Error;
        }
        return undefined;
      })();
      expect(error?.message).toMatch(/E\.164/);
      expect(error?.message).not.toContain('0821234567');
    });
  });
});

describe('deriveRequestKey', () => {
  describe('when two requests differ only in the access token', () => {
    it('gives the same key', () => {
      expect(deriveRequestKey({ ...base, whatsappAccessToken: 'a' })).toBe(
        deriveRequestKey({ ...base, whatsappAccessToken: 'b' }),
      );
    });
  });

  describe('when two requests differ in the tier', () => {
    it('gives different keys', () => {
      expect(deriveRequestKey(base)).not.toBe(
        deriveRequestKey({ ...base, tier: 'premium' }),
      );
    });
  });
});

describe('slugFromName', () => {
  it('turns a name into lower-case words joined by dashes', () => {
    expect(slugFromName("  Mama Thandi's Spaza & Café ")).toBe(
      'mama-thandi-s-spaza-cafe',
    );
  });
});
