import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisUssdStore } from '../../../src/channels/ussd/index.ts';
import { TEST_REDIS_URL, uniqueSuffix } from '../../support/services.ts';
import { describeUssdStoreContract } from './ussd-store-contract.ts';

const redis = new Redis(TEST_REDIS_URL);
const prefix = `test-ussd-${uniqueSuffix()}`;

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describeUssdStoreContract('createRedisUssdStore', () =>
  createRedisUssdStore(redis, `${prefix}-${uniqueSuffix()}`),
);

describe('createRedisUssdStore', () => {
  it('keeps the phone number out of its keys and sets an expiry', async () => {
    const store = createRedisUssdStore(redis, prefix, {
      sessionTtlSeconds: 60,
    });
    await store.saveLastShop('*120*7#', '+27821234567', {
      storeCode: 'A1',
      name: 'A',
      language: 'en',
    });
    await store.saveSession('ATUid_ttl', {
      consumed: 0,
      lastStep: 0,
      phase: 'in_flow',
      language: 'en',
      pages: ['x'],
      page: 0,
      isEnd: false,
    });
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.join(' ')).not.toContain('821234567');
    const ttl = await redis.ttl(`${prefix}:ussd:session:ATUid_ttl`);
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});
