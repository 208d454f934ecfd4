import type { CustomerEvent } from './context.ts';

/**
 * Words that open the language menu from anywhere, typed alone: "language"
 * in each of the five languages, plus the short "lang".
 */
export const LANGUAGE_WORDS: readonly string[] = [
  'language',
  'lang',
  'ulimi',
  'ulwimi',
  'taal',
  'puo',
];

/** Most units of one product a person may type in one go. */
export const MAX_TYPED_QUANTITY = 99;

const MIN_ADDRESS_LENGTH = 5;
const MAX_ADDRESS_LENGTH = 160;
const MAX_QUERY_LENGTH = 40;

/** The typed text of a `user.text` event, trimmed; else undefined. */
export function typedText(event: CustomerEvent): string | undefined {
  return event.type === 'user.text' ? event.text.trim() : undefined;
}

/** True when the person typed one of the language words alone. */
export function isLanguageWord(event: CustomerEvent): boolean {
  const text = typedText(event)?.toLowerCase();
  return text !== undefined && LANGUAGE_WORDS.includes(text);
}

/**
 * Typed text that is meant as an answer to the current prompt: anything but
 * a language word, which always opens the language menu instead.
 */
export function answerText(event: CustomerEvent): string | undefined {
  const text = typedText(event);
  if (text === undefined || text === '' || isLanguageWord(event)) {
    return undefined;
  }
  return text;
}

/** A typed whole number from 1 to 99, or undefined. */
export function typedQuantity(event: CustomerEvent): number | undefined {
  const text = answerText(event);
  if (text === undefined || !/^[0-9]{1,2}$/.test(text)) return undefined;
  const quantity = Number(text);
  return quantity >= 1 && quantity <= MAX_TYPED_QUANTITY ? quantity : undefined;
}

/** A typed delivery address, whitespace tidied, or undefined if too short. */
export function typedAddress(event: CustomerEvent): string | undefined {
  const text = answerText(event)?.replace(/\s+/g, ' ');
  if (text === undefined || text.length < MIN_ADDRESS_LENGTH) return undefined;
  return text.slice(0, MAX_ADDRESS_LENGTH);
}

/** Typed search words, cut to a length a screen can repeat back. */
export function typedQuery(event: CustomerEvent): string | undefined {
  return answerText(event)?.replace(/\s+/g, ' ').slice(0, MAX_QUERY_LENGTH);
}
