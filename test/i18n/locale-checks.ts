import type { Language } from '../../src/i18n/index.ts';
import { placeholders, splitPlural, type FlatTexts } from './locale-files.ts';

/** A text that may read exactly as in English, with the reason why. */
export interface SameAsEnglish {
  text: string;
  languages: readonly Language[];
  reason: string;
}

/** Keys grouped by plural base, with the forms present. */
function pluralForms(texts: FlatTexts): Map<string, Set<string>> {
  const forms = new Map<string, Set<string>>();
  for (const key of texts.keys()) {
    const { base, form } = splitPlural(key);
    if (!form) continue;
    forms.set(base, (forms.get(base) ?? new Set()).add(form));
  }
  return forms;
}

/** Keys of `english` absent from `texts` (plural keys by their base). */
export function missingKeys(english: FlatTexts, texts: FlatTexts): string[] {
  const plurals = pluralForms(texts);
  return [...english.keys()].filter((key) => {
    const { base, form } = splitPlural(key);
    return form ? !plurals.has(base) : !texts.has(key);
  });
}

/** Keys of `texts` that English does not have. */
export function extraKeys(english: FlatTexts, texts: FlatTexts): string[] {
  const plurals = pluralForms(english);
  return [...texts.keys()].filter((key) => {
    const { base, form } = splitPlural(key);
    return form ? !plurals.has(base) : !english.has(key);
  });
}

/**
 * Plural keys lacking a form that the language's plural rules use (from
 * Node's Intl.PluralRules; `_zero` is always optional).
 */
export function missingPluralForms(
  english: FlatTexts,
  texts: FlatTexts,
  language: Language,
): string[] {
  const needed = new Intl.PluralRules(language).resolvedOptions()
    .pluralCategories;
  return [...pluralForms(english).keys()].flatMap((base) =>
    needed.map((form) => `${base}_${form}`).filter((key) => !texts.has(key)),
  );
}

function isWordless(text: string): boolean {
  return !/\p{L}/u.test(text.replace(/\{\{[^}]*\}\}/g, ''));
}

/**
 * Keys whose text is the English one, word for word. Texts of placeholders,
 * digits and punctuation only are names and numbers and pass.
 */
export function copiedKeys(
  english: FlatTexts,
  texts: FlatTexts,
  language: Language,
  allowed: readonly SameAsEnglish[],
): string[] {
  return [...texts]
    .filter(
      ([key, text]) =>
        english.get(key) === text &&
        !isWordless(text) &&
        !allowed.some(
          (entry) => entry.text === text && entry.languages.includes(language),
        ),
    )
    .map(([key]) => key);
}

/**
 * Keys whose placeholders differ from the English text's. Plural forms are
 * compared with the English `_other`; a `_zero` form may drop `count`.
 */
export function placeholderMismatches(
  english: FlatTexts,
  texts: FlatTexts,
): string[] {
  const wrong: string[] = [];
  for (const [key, text] of texts) {
    const { base, form } = splitPlural(key);
    const source = form
      ? (english.get(`${base}_other`) ?? english.get(key))
      : english.get(key);
    if (source === undefined) continue;
    const keep = (name: string) => !(form === 'zero' && name === 'count');
    const expected = placeholders(source).filter(keep);
    const actual = placeholders(text).filter(keep);
    if (expected.join() !== actual.join()) wrong.push(key);
  }
  return wrong;
}

const GSM_BASIC =
  /^[A-Za-z0-9 \n@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà{}]*$/u;

/**
 * Keys whose text leaves the GSM 7-bit alphabet: one such character makes
 * a USSD or SMS text UCS-2, roughly halving what fits (GLOSSARY.md).
 */
export function nonGsmKeys(texts: FlatTexts): string[] {
  return [...texts]
    .filter(([, text]) => !GSM_BASIC.test(text))
    .map(([key]) => key);
}
