import { describe, expect, it } from 'vitest';
import { damerauLevenshtein } from './damerau-levenshtein.ts';

describe('damerauLevenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(damerauLevenshtein('bred', 'bread')).toBe(1);
    expect(damerauLevenshtein('bread', 'bred')).toBe(1);
    expect(damerauLevenshtein('kitten', 'sitting')).toBe(3);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(damerauLevenshtein('sugra', 'sugar')).toBe(1);
    expect(damerauLevenshtein('ab', 'ba')).toBe(1);
  });

  it('is zero for equal strings and the length against an empty one', () => {
    expect(damerauLevenshtein('amasi', 'amasi')).toBe(0);
    expect(damerauLevenshtein('', 'kota')).toBe(4);
  });

  describe('when a limit is given', () => {
    it('returns limit + 1 as soon as the distance must exceed it', () => {
      expect(damerauLevenshtein('kitten', 'sitting', 1)).toBe(2);
      expect(damerauLevenshtein('a', 'abcdef', 2)).toBe(3);
    });

    it('returns the distance when within the limit', () => {
      expect(damerauLevenshtein('kitten', 'sitten', 1)).toBe(1);
    });
  });
});
