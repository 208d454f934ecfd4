import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedSerialiser } from './keyed-serialiser.ts';

describe('KeyedSerialiser', () => {
  describe('when tasks share a key', () => {
    it('runs them one at a time in submission order, even after a failure', async () => {
      const serialiser = new KeyedSerialiser();
      const seen: string[] = [];
      const task =
        (name: string, ms: number, fails = false) =>
        async () => {
          seen.push(`${name} start`);
          await sleep(ms);
          seen.push(`${name} end`);
          if (fails) throw new Error(name);
          return name;
        };
      const results = await Promise.allSettled([
        serialiser.run('k', task('a', 20, true)),
        serialiser.run('k', task('b', 1)),
        serialiser.run('k', task('c', 5)),
      ]);
      expect(results.map((r) => r.status)).toEqual([
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect(seen).toEqual([
        'a start',
        'a end',
        'b start',
        'b end',
        'c start',
        'c end',
      ]);
      expect(serialiser.size).toBe(0);
    });
  });

  describe('when tasks have different keys', () => {
    it('runs them side by side', async () => {
      const serialiser = new KeyedSerialiser();
      const seen: string[] = [];
      await Promise.all(
        ['x', 'y'].map((key) =>
          serialiser.run(key, async () => {
            seen.push(`${key} start`);
            await sleep(10);
            seen.push(`${key} end`);
          }),
        ),
      );
      expect(seen.slice(0, 2)).toEqual(['x start', 'y start']);
    });
  });
});
