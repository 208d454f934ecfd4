import { describe, expect, it } from 'vitest';
import type { Language } from '../../src/i18n/index.ts';
import {
  copiedKeys,
  extraKeys,
  missingKeys,
  missingPluralForms,
  nonGsmKeys,
  placeholderMismatches,
  type SameAsEnglish,
} from './locale-checks.ts';
import { readAllLocales, type FlatTexts } from './locale-files.ts';

const TRANSLATIONS = ['zu', 'xh', 'af', 'st'] as const satisfies Language[];

/** Texts that may read exactly as in English, each with its reason. */
const SAME_AS_ENGLISH: readonly SameAsEnglish[] = [
  ...['English', 'isiZulu', 'isiXhosa', 'Afrikaans', 'Sesotho'].map((text) => ({
    text,
    languages: TRANSLATIONS,
    reason: 'a language is offered under its own name in every locale',
  })),
  {
    text: 'Menu',
    languages: ['af', 'st'],
    reason: 'Afrikaans and Sesotho use the word itself (GLOSSARY row 3)',
  },
  {
    text: '{{quantity}} x {{name}}',
    languages: TRANSLATIONS,
    reason: 'the quantity sign "x" reads the same in all five languages',
  },
  {
    text: 'OK',
    languages: ['af'],
    reason: 'Afrikaans software uses OK as it is (GLOSSARY row 11)',
  },
  {
    text: 'EFT',
    languages: TRANSLATIONS,
    reason: 'EFT is the usual South African label in every language (row 70)',
  },
];

const locales = readAllLocales();
const english = locales.en;

function texts(entries: Record<string, string>): FlatTexts {
  return new Map(Object.entries(entries));
}

describe('locale completeness', () => {
  it('has English texts to compare with', () => {
    expect(english.size).toBeGreaterThan(50);
  });

  describe.each(TRANSLATIONS)('when the language is %s', (language) => {
    const translated = locales[language];

    it('has every English key', () => {
      expect(missingKeys(english, translated)).toEqual([]);
    });

    it('has no key that English lacks', () => {
      expect(extraKeys(english, translated)).toEqual([]);
    });

    it('has every plural form the language needs', () => {
      expect(missingPluralForms(english, translated, language)).toEqual([]);
    });

    it('never copies the English text', () => {
      expect(
        copiedKeys(english, translated, language, SAME_AS_ENGLISH),
      ).toEqual([]);
    });

    it('keeps every placeholder of the English text and adds none', () => {
      expect(placeholderMismatches(english, translated)).toEqual([]);
    });
  });

  it('keeps USSD texts in the GSM 7-bit alphabet', () => {
    const offending = Object.entries(locales).flatMap(([language, all]) =>
      nonGsmKeys(all)
        // WhatsApp texts never travel as GSM; they may use any character.
        .filter((key) => !key.startsWith('whatsapp:'))
        .map((key) => `${language} ${key}`),
    );
    expect(offending).toEqual([]);
  });

  describe('when a translation is broken', () => {
    const source = texts({
      'shop:add': 'Add to cart',
      'shop:menu': 'Menu',
      'cart:title_one': '{{count}} item',
      'cart:title_other': '{{count}} items',
      'orders:line': '#{{number}} - {{status}}',
    });

    it('reports the missing, extra and copied keys', () => {
      const broken = texts({
        'shop:menu': 'Menu',
        'shop:extra': 'Okunye',
        'cart:title_other': 'izinto ezingu-{{count}}',
        'orders:line': '#{{number}} - {{status}}',
      });
      expect(missingKeys(source, broken)).toEqual(['shop:add']);
      expect(extraKeys(source, broken)).toEqual(['shop:extra']);
      expect(missingPluralForms(source, broken, 'zu')).toEqual([
        'cart:title_one',
      ]);
      expect(copiedKeys(source, broken, 'zu', SAME_AS_ENGLISH)).toEqual([
        'shop:menu',
      ]);
      expect(copiedKeys(source, broken, 'af', SAME_AS_ENGLISH)).toEqual([]);
    });

    it('reports a lost placeholder and a character outside GSM', () => {
      const broken = texts({
        'cart:title_one': 'into eyodwa',
        'cart:title_zero': 'akukho lutho',
        'orders:line': '#{{number}} – {{state}}',
      });
      expect(placeholderMismatches(source, broken)).toEqual([
        'cart:title_one',
        'orders:line',
      ]);
      expect(nonGsmKeys(broken)).toEqual(['orders:line']);
    });
  });
});
