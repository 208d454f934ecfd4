/**
 * The channel-neutral words a flow speaks. A reply carries i18next keys and
 * parameters, never finished strings: each channel renders it in the
 * contact's language and within its own limits (a WhatsApp list, a USSD
 * screen, a line in the simulator).
 */

/** A text to translate: an i18next key (`namespace:key`) and parameters. */
export interface I18nText {
  key: string;
  /** Values for `{{name}}` placeholders; an I18nText is translated first. */
  params?: Record<string, string | number | I18nText>;
}

/**
 * Navigation roles share one numbering scheme on every channel that types
 * digits: `0` goes back, `98` shows more, `00` returns to the main menu.
 */
export type OptionRole = 'back' | 'more' | 'menu';

export interface MenuOption {
  /** Stable id that comes back as `user.choice` whatever the channel. */
  id: string;
  label: I18nText;
  /** Optional second line (WhatsApp row description; dropped on USSD). */
  description?: I18nText;
  role?: OptionRole;
}

export interface TextReply {
  kind: 'text';
  text: I18nText;
}

export interface MenuReply {
  kind: 'menu';
  /** The question or heading above the options. */
  text: I18nText;
  options: MenuOption[];
  /** Label of the button that opens a WhatsApp list (20 characters max). */
  buttonLabel?: I18nText;
}

/** Asks for a place: a WhatsApp location pin, or typed area on USSD. */
export interface LocationRequestReply {
  kind: 'location_request';
  text: I18nText;
}

/** A payment or web link; USSD shows `shortText` instead of the URL. */
export interface LinkReply {
  kind: 'link';
  text: I18nText;
  url: string;
  shortText?: I18nText;
}

/** The conversation ends after this text (USSD answers `END`). */
export interface EndReply {
  kind: 'end';
  text: I18nText;
}

export type Reply =
  TextReply | MenuReply | LocationRequestReply | LinkReply | EndReply;

/** Shorthand for an I18nText. */
export function t(key: string, params?: I18nText['params']): I18nText {
  return params === undefined ? { key } : { key, params };
}

/** The digits a contact types for each navigation role. */
export const ROLE_DIGITS: Record<OptionRole, string> = {
  back: '0',
  more: '98',
  menu: '00',
};

/**
 * The digit each option of a menu answers to, in display order: plain
 * options count from 1, navigation options use ROLE_DIGITS. Every channel
 * that shows numbers and the engine that maps a typed number back to an
 * option use this one function, so they can never disagree.
 */
export function numberOptions(
  options: readonly MenuOption[],
): Array<{ digits: string; option: MenuOption }> {
  let next = 1;
  return options.map((option) => ({
    digits: option.role ? ROLE_DIGITS[option.role] : String(next++),
    option,
  }));
}
