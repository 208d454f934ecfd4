import { describe, expect, it } from 'vitest';
import { createMemoryUssdStore } from '../../../src/channels/ussd/index.ts';
import { describeUssdStoreContract } from './ussd-store-contract.ts';

describeUssdStoreContract('createMemoryUssdStore', () =>
  createMemoryUssdStore(),
);

describe('createMemoryUssdStore', () => {
  describe('when a session outlives its expiry', () => {
    it('forgets it', async () => {
      let now = 1_000;
      const store = createMemoryUssdStore({
        clock: () => now,
        sessionTtlSeconds: 10,
      });
      await store.saveSession('ATUid_x', {
        consumed: 0,
        lastStep: 0,
        phase: 'entering_code',
        language: 'en',
        pages: ['x'],
        page: 0,
        isEnd: false,
      });
      now += 9_999;
      expect(await store.getSession('ATUid_x')).toBeDefined();
      now += 1;
      expect(await store.getSession('ATUid_x')).toBeUndefined();
    });
  });
});
