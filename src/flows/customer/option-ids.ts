import { isLanguage, type Language } from '../../i18n/index.ts';
import type { CustomerEvent } from './context.ts';

/**
 * Stable option ids of the customer flow. They come back as `user.choice`
 * whatever the channel (a typed digit, a WhatsApp list reply), so they never
 * change with the wording or the order of a menu.
 */
export const OPTION = {
  back: 'nav.back',
  more: 'nav.more',
  menu: 'nav.menu',
  consentAccept: 'consent.accept',
  consentDecline: 'consent.decline',
  shop: 'menu.shop',
  search: 'menu.search',
  cart: 'menu.cart',
  orders: 'menu.orders',
  language: 'menu.language',
  help: 'menu.help',
  addToCart: 'product.add',
  viewCart: 'cart.view',
  keepShopping: 'shop.continue',
  checkout: 'cart.checkout',
  changeQuantity: 'line.change',
  removeLine: 'line.remove',
  delivery: 'fulfil.delivery',
  collection: 'fulfil.collection',
  confirmOrder: 'checkout.confirm',
  resume: 'resume.continue',
  restart: 'resume.restart',
} as const;

/** Prefixes of option ids that carry a record id or a language code. */
export const OPTION_PREFIX = {
  language: 'lang:',
  category: 'cat:',
  product: 'prod:',
  cartLine: 'line:',
} as const;

export type OptionPrefix = (typeof OPTION_PREFIX)[keyof typeof OPTION_PREFIX];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The chosen option id, or undefined for any other event. */
export function chosenOption(event: CustomerEvent): string | undefined {
  return event.type === 'user.choice' ? event.optionId : undefined;
}

/**
 * The record id after `prefix` in the chosen option, or undefined. Ids are
 * checked to be UUIDs: a list reply can be forged, and a malformed id must
 * not reach the database as anything but "not found".
 */
export function chosenId(
  event: CustomerEvent,
  prefix: OptionPrefix,
): string | undefined {
  const optionId = chosenOption(event);
  if (!optionId?.startsWith(prefix)) return undefined;
  const id = optionId.slice(prefix.length);
  return UUID.test(id) ? id : undefined;
}

/** The language code of a `lang:<code>` option, or undefined. */
export function chosenLanguage(event: CustomerEvent): Language | undefined {
  const optionId = chosenOption(event);
  if (!optionId?.startsWith(OPTION_PREFIX.language)) return undefined;
  const code = optionId.slice(OPTION_PREFIX.language.length);
  return isLanguage(code) ? code : undefined;
}
