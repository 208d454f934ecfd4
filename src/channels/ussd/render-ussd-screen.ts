import { numberOptions, type I18nText, type Reply } from '../../flows/reply.ts';
import { translate, type Language } from '../../i18n/index.ts';
import { WakalaError } from '../../shared/errors.ts';
import { toGsm7 } from './gsm7.ts';
import {
  pageScreen,
  type ScreenLine,
  type ScreenParts,
} from './page-screen.ts';

/**
 * Translations of texts without parameters, per language and key: the same
 * labels (nav, menu entries) come back on nearly every screen, and an
 * i18next lookup costs more than a map read. Bounded by the number of keys
 * times five languages; locale files are loaded once per process.
 */
const plainTexts = new Map<string, string>();

function translateText(language: Language, text: I18nText): string {
  if (text.params !== undefined) return translate(language, text);
  const cacheKey = `${language}\u0000${text.key}`;
  let translated = plainTexts.get(cacheKey);
  if (translated === undefined) {
    translated = translate(language, text);
    plainTexts.set(cacheKey, translated);
  }
  return translated;
}

/** The smallest limit that still leaves room for a question and paging. */
export const MIN_SCREEN_LIMIT = 60;

export interface RenderUssdScreenOptions {
  /** Screen limit in GSM-7 characters (160 by default; 182 on some). */
  limit?: number;
  /**
   * Rewrite every text into GSM-7 (the default). We chose this on purpose:
   * one Afrikaans `ê` would otherwise turn the screen into UCS-2 and cut it
   * from 160 to 70 characters; the letters without marks read fine (as in
   * MomConnect's Afrikaans USSD copy). With `false` the texts are kept and
   * a screen with any non-GSM-7 character is fitted to its UCS-2 size.
   */
  transliterate?: boolean;
}

/** A rendered screen: one or more pages, and whether the session ends. */
export interface UssdScreen {
  pages: string[];
  isEnd: boolean;
}

/**
 * Renders the replies of one turn as a USSD screen in `language`: texts
 * first, then the menu as a numbered list (`numberOptions`, the numbers the
 * engine maps back), a location request as "type your area", a link as its
 * short text. Paged when it does not fit; an `end` reply closes the session.
 */
export function renderUssdScreen(
  replies: readonly Reply[],
  language: Language,
  options: RenderUssdScreenOptions = {},
): UssdScreen {
  const limit = options.limit ?? 160;
  if (limit < MIN_SCREEN_LIMIT) {
    throw new WakalaError(
      'ussd.limit_too_small',
      `The USSD screen limit must be at least ${MIN_SCREEN_LIMIT} characters.`,
    );
  }
  const clean =
    options.transliterate === false
      ? (text: string) => text
      : (text: string) => toGsm7(text);
  const say = (key: string) => clean(translateText(language, { key }));
  const parts: ScreenParts = {
    header: [],
    options: [],
    roles: {},
    pageNav: {
      back: { digits: '0', label: say('ussd:nav.back') },
      more: { digits: '98', label: say('ussd:nav.more') },
    },
  };
  let isEnd = false;
  for (const reply of replies) {
    const text = clean(translateText(language, reply.text));
    switch (reply.kind) {
      case 'text':
        parts.header.push(text);
        break;
      case 'menu':
        parts.header.push(text);
        // Only the last menu of a turn can be answered (the engine keeps
        // that one), so an earlier menu's options are not shown.
        parts.options = [];
        parts.roles = {};
        addOptions(parts, reply.options, (label) =>
          clean(translateText(language, label)),
        );
        break;
      case 'location_request':
        // A pin cannot be sent from a feature phone: the flow takes the
        // typed area as the address instead.
        parts.header.push(say('ussd:location.type_area'));
        break;
      case 'link':
        parts.header.push(text);
        parts.header.push(
          reply.shortText
            ? clean(translateText(language, reply.shortText))
            : // Known shortcoming: there is no SMS sender yet, so a link
              // without a short text is only named, not delivered.
              say('ussd:link.unavailable'),
        );
        break;
      case 'end':
        parts.header.push(text);
        isEnd = true;
        break;
    }
  }
  return {
    pages: pageScreen(
      { ...parts, header: parts.header.filter((line) => line !== '') },
      limit,
    ),
    isEnd,
  };
}

/**
 * A header line of a channel screen: a key said in the screen's language,
 * or in a language of its own (a screen for a contact whose language is
 * not known yet says one line in each language).
 */
export type HeaderText = string | { key: string; language: Language };

/**
 * Renders a screen of the channel's own (choosing a shop on a shared code):
 * translated header keys and ready-made numbered lines, fitted like any
 * other screen.
 */
export function renderChannelScreen(
  header: HeaderText[],
  lines: ScreenLine[],
  language: Language,
  options: RenderUssdScreenOptions & { isEnd?: boolean } = {},
): UssdScreen {
  const clean =
    options.transliterate === false ? (text: string) => text : toGsm7;
  const say = (text: HeaderText) =>
    typeof text === 'string'
      ? clean(translateText(language, { key: text }))
      : clean(translateText(text.language, { key: text.key }));
  const parts: ScreenParts = {
    header: header.map(say),
    options: lines.map((line) => ({ ...line, label: clean(line.label) })),
    roles: {},
    pageNav: {
      back: { digits: '0', label: say('ussd:nav.back') },
      more: { digits: '98', label: say('ussd:nav.more') },
    },
  };
  return {
    pages: pageScreen(parts, options.limit ?? 160),
    isEnd: options.isEnd ?? false,
  };
}

function addOptions(
  parts: ScreenParts,
  options: Parameters<typeof numberOptions>[0],
  label: (text: (typeof options)[number]['label']) => string,
): void {
  for (const { digits, option } of numberOptions(options)) {
    const line: ScreenLine = { digits, label: label(option.label) };
    if (option.role) parts.roles[option.role] = line;
    else parts.options.push(line);
  }
}
