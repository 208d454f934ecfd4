import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from './memory-key-value-store.ts';

describe('MemoryKeyValueStore', () => {
  describe('when a key is set only if absent', () => {
    it('sets it once until it expires', async () => {
      let now = 0;
      const store = new MemoryKeyValueStore({ clock: () => now });
      expect(await store.setIfAbsent('seen', '1', 1000)).toBe(true);
      expect(await store.setIfAbsent('seen', '2', 1000)).toBe(false);
      expect(await store.get('seen')).toBe('1');
      now = 1000;
      expect(await store.get('seen')).toBeNull();
      expect(await store.setIfAbsent('seen', '3', 1000)).toBe(true);
    });
  });

  describe('when a key is set with a time to live', () => {
    it('replaces the value and forgets it at expiry', async () => {
      let now = 0;
      const store = new MemoryKeyValueStore({ clock: () => now });
      await store.set('menu', 'a', 500);
      await store.set('menu', 'b', 500);
      expect(await store.get('menu')).toBe('b');
      now = 499;
      expect(await store.get('menu')).toBe('b');
      now = 500;
      expect(await store.get('menu')).toBeNull();
    });
  });

  describe('when a counter is incremented', () => {
    it('counts from 1 and never expires', async () => {
      let now = 0;
      const store = new MemoryKeyValueStore({ clock: () => now });
      expect(await store.increment('seq')).toBe(1);
      expect(await store.increment('seq')).toBe(2);
      now = 10 * 365 * 86_400_000;
      expect(await store.increment('seq')).toBe(3);
    });
  });
});
