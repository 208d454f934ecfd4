import type { Cart, CartLine } from '../../commerce/index.ts';
import { formatRand } from '../../i18n/index.ts';
import { t, type MenuOption, type Reply } from '../reply.ts';
import { NAV, pageOf } from './common-replies.ts';
import { OPTION, OPTION_PREFIX } from './option-ids.ts';

/**
 * Cart lines per screen: with Check out, More and Back that makes five rows,
 * which fit a USSD screen in every language with the longest names.
 */
export const CART_PAGE_SIZE = 2;

function lineOption(line: CartLine): MenuOption {
  const price = formatRand(line.lineTotalCents);
  return {
    id: `${OPTION_PREFIX.cartLine}${line.productId}`,
    label: t('cart:line.label', { quantity: line.quantity, name: line.name }),
    description: line.isAvailable
      ? t('shop:product.price', { price })
      : t('shop:product.price_sold_out', { price }),
  };
}

/** The cart screen, one page of lines; an empty cart offers the shop. */
export function cartReply(cart: Cart, page: number): Reply {
  if (cart.lines.length === 0) {
    return {
      kind: 'menu',
      text: t('cart:empty'),
      options: [{ id: OPTION.shop, label: t('shop:menu.shop') }, NAV.back],
    };
  }
  const shown = pageOf(cart.lines, page, CART_PAGE_SIZE);
  return {
    kind: 'menu',
    text: t('cart:title', {
      count: cart.itemCount,
      total: formatRand(cart.totalCents),
    }),
    options: [
      ...shown.items.map(lineOption),
      { id: OPTION.checkout, label: t('cart:checkout') },
      ...(shown.page < shown.pageCount ? [NAV.more] : []),
      NAV.back,
    ],
  };
}

/** Pages in the cart screen, for the More option. */
export function cartPageCount(cart: Cart): number {
  return pageOf(cart.lines, 1, CART_PAGE_SIZE).pageCount;
}

/** The line of `productId`, if the cart still has it. */
export function findLine(cart: Cart, productId: string | null) {
  return cart.lines.find((line) => line.productId === productId);
}

export function lineReply(line: CartLine): Reply {
  return {
    kind: 'menu',
    text: t('cart:line.title', {
      name: line.name,
      quantity: line.quantity,
      total: formatRand(line.lineTotalCents),
    }),
    options: [
      { id: OPTION.changeQuantity, label: t('cart:line.change') },
      { id: OPTION.removeLine, label: t('cart:line.remove') },
      NAV.back,
    ],
  };
}

export const lineGoneReply: Reply = {
  kind: 'text',
  text: t('cart:line.gone'),
};

export const newQuantityReply: Reply = {
  kind: 'menu',
  text: t('cart:quantity.prompt'),
  options: [NAV.back],
};

export const cartUpdatedReply: Reply = {
  kind: 'text',
  text: t('cart:updated'),
};

export const lineRemovedReply: Reply = {
  kind: 'text',
  text: t('cart:removed'),
};

/**
 * What a person reads after adding to the cart: the line as it now stands,
 * and a warning when the shop has fewer units than the cart holds (the
 * order is checked again, atomically, at confirmation).
 */
export function addedReplies(cart: Cart, productId: string | null): Reply[] {
  const line = findLine(cart, productId);
  if (!line) return [];
  const replies: Reply[] = [
    {
      kind: 'text',
      text: t('cart:added', {
        quantity: line.quantity,
        name: line.name,
        total: formatRand(cart.totalCents),
      }),
    },
  ];
  if (line.stockQuantity < line.quantity) {
    replies.push({
      kind: 'text',
      text: t('cart:low_stock', { count: line.stockQuantity }),
    });
  }
  return replies;
}

export const whatNextReply: Reply = {
  kind: 'menu',
  text: t('common:what_next'),
  options: [
    { id: OPTION.viewCart, label: t('cart:view') },
    { id: OPTION.keepShopping, label: t('cart:keep_shopping') },
    NAV.menu,
  ],
};
