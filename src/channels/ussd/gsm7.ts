/**
 * The GSM 03.38 7-bit alphabet that USSD screens and SMS are measured in.
 * One character outside it switches the whole screen to UCS-2, which more
 * than halves the room (GLOSSARY.md, "Characters, GSM 7-bit").
 */

/** The basic set: one septet each (ESC, 0x1B, is left out on purpose). */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: an escape septet plus one, so two each. */
const EXTENSION = '\f^{}\\[~]|€';

const BASIC_SET = new Set(BASIC);
const EXTENSION_SET = new Set(EXTENSION);

/**
 * Replacements chosen by hand for the characters our five languages and
 * pasted text actually bring: Afrikaans circumflex and diaeresis letters
 * lose their mark (readers resolve them from context, as MomConnect's copy
 * does), curly quotes and dashes become their ASCII forms.
 */
const REPLACEMENTS: Record<string, string> = {
  ê: 'e',
  ë: 'e',
  ô: 'o',
  î: 'i',
  û: 'u',
  ï: 'i',
  Ê: 'E',
  Ë: 'E',
  Ô: 'O',
  Î: 'I',
  Û: 'U',
  Ï: 'I',
  ŉ: "'n",
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '`': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2007': ' ',
  '\u202F': ' ',
  '\t': ' ',
};

/** True when every character of `text` is in the basic or extension set. */
export function isGsm7(text: string): boolean {
  for (const char of text) {
    if (!BASIC_SET.has(char) && !EXTENSION_SET.has(char)) return false;
  }
  return true;
}

/**
 * Length of `text` in septets, assuming it is GSM-7: extension characters
 * (`€`, `[`, `{`, ...) take two, every other character one.
 */
export function gsm7Length(text: string): number {
  let length = 0;
  for (const char of text) length += EXTENSION_SET.has(char) ? 2 : 1;
  return length;
}

/**
 * Size of a screen in GSM-7 character equivalents: septets when the text
 * is GSM-7, else its UCS-2 size (16 bits per UTF-16 unit) expressed in
 * 7-bit characters, so one limit compares both encodings honestly (160
 * septets hold 70 UCS-2 characters, 182 hold 79).
 */
export function encodedLength(text: string): number {
  if (isGsm7(text)) return gsm7Length(text);
  return Math.ceil((text.length * 16) / 7);
}

/**
 * Rewrites `text` into the GSM-7 alphabet: the hand-made replacements
 * first, then any other accented letter loses its mark when the bare
 * letter is GSM-7; what still does not fit (emoji, other scripts) is
 * dropped, and the spaces it leaves are tidied.
 */
export function toGsm7(text: string): string {
  if (isGsm7(text)) return text;
  let out = '';
  for (const char of text) {
    if (BASIC_SET.has(char) || EXTENSION_SET.has(char)) {
      out += char;
      continue;
    }
    const replacement = REPLACEMENTS[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    const bare = char.normalize('NFD').replace(/\p{M}+/gu, '');
    if (bare.length > 0 && isGsm7(bare)) out += bare;
  }
  return out.replace(/ {2,}/g, ' ').replace(/ +(\n|$)/g, '$1');
}
