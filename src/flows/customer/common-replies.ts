import { LANGUAGES } from '../../i18n/index.ts';
import { t, type MenuOption, type Reply } from '../reply.ts';
import { OPTION, OPTION_PREFIX } from './option-ids.ts';

/** Navigation options, the same on every screen that offers them. */
export const NAV = {
  back: { id: OPTION.back, label: t('common:nav.back'), role: 'back' },
  more: { id: OPTION.more, label: t('common:nav.more'), role: 'more' },
  menu: { id: OPTION.menu, label: t('common:nav.menu'), role: 'menu' },
} as const satisfies Record<string, MenuOption>;

/** One page of a list held in memory, with the page held to 1..pageCount. */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  pageSize: number,
): { items: T[]; page: number; pageCount: number } {
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const held = Math.min(Math.max(1, page), pageCount);
  const start = (held - 1) * pageSize;
  return {
    items: items.slice(start, start + pageSize),
    page: held,
    pageCount,
  };
}

export const notUnderstoodReply: Reply = {
  kind: 'text',
  text: t('common:error.not_understood'),
};

export const apologyReply: Reply = {
  kind: 'text',
  text: t('common:error.apology'),
};

/** Ends a conversation that cannot go on (the contact could not be loaded). */
export const unavailableReply: Reply = {
  kind: 'end',
  text: t('common:error.apology'),
};

export const mainMenuReply: Reply = {
  kind: 'menu',
  text: t('shop:menu.title'),
  options: [
    { id: OPTION.shop, label: t('shop:menu.shop') },
    { id: OPTION.search, label: t('shop:menu.search') },
    { id: OPTION.cart, label: t('shop:menu.cart') },
    { id: OPTION.orders, label: t('shop:menu.orders') },
    { id: OPTION.language, label: t('shop:menu.language') },
    { id: OPTION.help, label: t('shop:menu.help') },
  ],
};

/**
 * The language menu. Each option is the language's own name (the same in
 * every locale file), so a person finds theirs whatever the current one.
 */
export function languageMenuReply(options: { canGoBack: boolean }): Reply {
  return {
    kind: 'menu',
    text: t('onboarding:language.prompt'),
    options: [
      ...LANGUAGES.map((language) => ({
        id: `${OPTION_PREFIX.language}${language}`,
        label: t(`onboarding:language.${language}`),
      })),
      ...(options.canGoBack ? [NAV.back] : []),
    ],
  };
}

export const languageChangedReply: Reply = {
  kind: 'text',
  text: t('onboarding:language.changed'),
};

export const consentReply: Reply = {
  kind: 'menu',
  text: t('onboarding:consent.notice'),
  options: [
    { id: OPTION.consentAccept, label: t('onboarding:consent.accept') },
    { id: OPTION.consentDecline, label: t('onboarding:consent.decline') },
  ],
};

export const declinedReply: Reply = {
  kind: 'end',
  text: t('onboarding:consent.declined'),
};

export function welcomeReply(shop: string, isReturning: boolean): Reply {
  return {
    kind: 'text',
    text: t(isReturning ? 'onboarding:welcome_back' : 'onboarding:welcome', {
      shop,
    }),
  };
}

export const helpReply: Reply = {
  kind: 'menu',
  text: t('help:text'),
  options: [NAV.back],
};

/** Offered when a new session starts while a conversation was midway. */
export const resumeReply: Reply = {
  kind: 'menu',
  text: t('common:resume.prompt'),
  options: [
    { id: OPTION.resume, label: t('common:resume.continue') },
    { id: OPTION.restart, label: t('common:resume.restart') },
  ],
};
