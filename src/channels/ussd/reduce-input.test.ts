import { describe, expect, it } from 'vitest';
import { reduceInput, stepOf } from './reduce-input.ts';

describe('reduceInput', () => {
  describe('when the text is empty (the first request)', () => {
    it('gives an empty input and nothing consumed', () => {
      expect(reduceInput('', undefined)).toEqual({
        input: '',
        consumed: 0,
        isResynced: false,
      });
    });
  });

  describe('when each answer is one segment', () => {
    it('takes the segment after those already consumed', () => {
      expect(reduceInput('1', 0)).toMatchObject({ input: '1', consumed: 1 });
      expect(reduceInput('1*2*3', 2)).toMatchObject({
        input: '3',
        consumed: 3,
      });
    });
  });

  describe('when an answer itself contains "*"', () => {
    it('keeps the whole answer, joined again by "*"', () => {
      expect(reduceInput('1*2*12*3 Vilakazi St', 2)).toEqual({
        input: '12*3 Vilakazi St',
        consumed: 4,
        isResynced: false,
      });
    });

    it('keeps an answer of only stars', () => {
      expect(reduceInput('1***', 1)).toMatchObject({ input: '**' });
    });
  });

  describe('when the answer is empty', () => {
    it('gives an empty input', () => {
      expect(reduceInput('1*', 1)).toMatchObject({ input: '', consumed: 2 });
    });
  });

  describe('when the position is unknown or impossible', () => {
    it('falls back to the last segment and says so', () => {
      expect(reduceInput('1*2*3', undefined)).toEqual({
        input: '3',
        consumed: 3,
        isResynced: true,
      });
      expect(reduceInput('1*2', 5)).toMatchObject({
        input: '2',
        isResynced: true,
      });
    });
  });
});

describe('stepOf', () => {
  it('counts the segments of the text', () => {
    expect(stepOf('')).toBe(0);
    expect(stepOf('1')).toBe(1);
    expect(stepOf('1*2*3*4')).toBe(4);
  });
});
