import { describe, expect, it } from 'vitest';
import { MemoryThroughputLimiter } from './memory-throughput-limiter.ts';

describe('MemoryThroughputLimiter', () => {
  describe('when a number sends past its allowance', () => {
    it('lets a second’s worth through at once, then holds the next back', async () => {
      const limiter = new MemoryThroughputLimiter();
      const startedAt = Date.now();
      for (let i = 0; i < 20; i += 1) await limiter.take('100', 20);
      expect(Date.now() - startedAt).toBeLessThan(40);
      await limiter.take('100', 20);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(40);
    });

    it('keeps other numbers unaffected', async () => {
      const limiter = new MemoryThroughputLimiter();
      for (let i = 0; i < 5; i += 1) await limiter.take('100', 5);
      const startedAt = Date.now();
      await limiter.take('200', 5);
      expect(Date.now() - startedAt).toBeLessThan(40);
    });
  });
});
