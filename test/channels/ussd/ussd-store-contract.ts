import { describe, expect, it } from 'vitest';
import type {
  UssdSessionState,
  UssdStore,
} from '../../../src/channels/ussd/index.ts';

const state: UssdSessionState = {
  consumed: 2,
  lastStep: 2,
  phase: 'in_flow',
  tenantId: 't-1',
  language: 'xh',
  pages: ['Khetha:\n1. Thenga', '2. Khangela'],
  page: 1,
  isEnd: false,
};

/**
 * The behaviour every USSD store shares, run against each implementation
 * with a factory that gives a fresh, empty store.
 */
export function describeUssdStoreContract(
  name: string,
  factory: () => UssdStore,
): void {
  describe(`${name} (USSD store contract)`, () => {
    it('gives back a saved session and nothing for an unknown one', async () => {
      const store = factory();
      await store.saveSession('ATUid_a', state);
      expect(await store.getSession('ATUid_a')).toEqual(state);
      expect(await store.getSession('ATUid_b')).toBeUndefined();
    });

    it('replaces a session on save', async () => {
      const store = factory();
      await store.saveSession('ATUid_a', state);
      await store.saveSession('ATUid_a', { ...state, page: 0 });
      expect((await store.getSession('ATUid_a'))?.page).toBe(0);
    });

    it('keeps the last shop per service code and contact', async () => {
      const store = factory();
      const shop = {
        storeCode: 'MAMA1',
        name: 'Mama Spaza',
        language: 'zu' as const,
      };
      await store.saveLastShop('*120*7#', '+27821234567', shop);
      expect(await store.getLastShop('*120*7#', '+27821234567')).toEqual(shop);
      expect(
        await store.getLastShop('*120*8#', '+27821234567'),
      ).toBeUndefined();
      expect(
        await store.getLastShop('*120*7#', '+27821234568'),
      ).toBeUndefined();
    });

    it('refuses a session id holding the key delimiter', async () => {
      const store = factory();
      await expect(store.getSession('a:b')).rejects.toMatchObject({
        code: 'ussd.bad_key_segment',
      });
    });
  });
}
