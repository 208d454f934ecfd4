import { describe, expect, it } from 'vitest';
import { chosenId, chosenLanguage } from './option-ids.ts';
import {
  answerText,
  isLanguageWord,
  typedAddress,
  typedQuantity,
  typedQuery,
} from './typed-input.ts';

const text = (value: string) => ({ type: 'user.text' as const, text: value });
const choice = (optionId: string) => ({
  type: 'user.choice' as const,
  optionId,
});

describe('typed input', () => {
  describe('when a language word is typed alone', () => {
    it.each(['language', 'LANG', ' ulimi ', 'Ulwimi', 'taal', 'puo'])(
      'opens the language menu for %j',
      (word) => {
        expect(isLanguageWord(text(word))).toBe(true);
        expect(answerText(text(word))).toBeUndefined();
      },
    );

    it('is an answer when other words come with it', () => {
      expect(isLanguageWord(text('taal boek'))).toBe(false);
      expect(answerText(text('taal boek'))).toBe('taal boek');
    });
  });

  describe('when a quantity is typed', () => {
    it.each([
      ['1', 1],
      [' 99 ', 99],
      ['07', 7],
    ])('reads %j as %d', (typed, quantity) => {
      expect(typedQuantity(text(typed))).toBe(quantity);
    });

    it.each(['0', '100', '-1', '2.5', 'two', ''])('refuses %j', (typed) => {
      expect(typedQuantity(text(typed))).toBeUndefined();
    });
  });

  describe('when an address is typed', () => {
    it('tidies spaces and refuses one that is too short', () => {
      expect(typedAddress(text('  12  Main Rd\n Soweto '))).toBe(
        '12 Main Rd Soweto',
      );
      expect(typedAddress(text('here'))).toBeUndefined();
      expect(typedAddress(text('ulimi'))).toBeUndefined();
    });
  });

  describe('when a search is typed', () => {
    it('cuts it to forty characters', () => {
      expect(typedQuery(text('x'.repeat(50)))).toHaveLength(40);
      expect(typedQuery(text('   '))).toBeUndefined();
    });
  });

  describe('when an option carries an id', () => {
    const id = '3f2b8c1e-9a4d-4e7f-8b6a-1c2d3e4f5a6b';

    it('reads a UUID after the prefix and refuses anything else', () => {
      expect(chosenId(choice(`prod:${id}`), 'prod:')).toBe(id);
      expect(chosenId(choice(`cat:${id}`), 'prod:')).toBeUndefined();
      expect(chosenId(choice("prod:1' OR '1'='1"), 'prod:')).toBeUndefined();
      expect(chosenId(text(`prod:${id}`), 'prod:')).toBeUndefined();
    });

    it('reads only the five language codes', () => {
      expect(chosenLanguage(choice('lang:zu'))).toBe('zu');
      expect(chosenLanguage(choice('lang:fr'))).toBeUndefined();
    });
  });
});
