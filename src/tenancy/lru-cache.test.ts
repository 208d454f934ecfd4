import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.ts';

describe('LruCache', () => {
  describe('when more entries are set than it holds', () => {
    it('evicts the least recently used one and reports it', () => {
      const evicted: string[] = [];
      const cache = new LruCache<string, number>(2, (key) => evicted.push(key));
      cache.set('a', 1);
      cache.set('b', 2);
      cache.get('a');
      cache.set('c', 3);
      expect(evicted).toEqual(['b']);
      expect(cache.entries()).toEqual([
        ['a', 1],
        ['c', 3],
      ]);
    });
  });

  describe('when an entry is deleted', () => {
    it('returns it without calling the eviction callback', () => {
      const evicted: string[] = [];
      const cache = new LruCache<string, number>(1, (key) => evicted.push(key));
      cache.set('a', 1);
      expect(cache.delete('a')).toBe(1);
      expect(cache.size).toBe(0);
      expect(evicted).toEqual([]);
    });
  });

  describe('when created with a size below one', () => {
    it('refuses', () => {
      expect(() => new LruCache(0)).toThrow(RangeError);
    });
  });
});
