import { describe, expect, it } from 'vitest';
import type {
  Cart,
  CategorySummary,
  ProductSummary,
} from '../../src/commerce/index.ts';
import {
  numberOptions,
  type I18nText,
  type Reply,
} from '../../src/flows/index.ts';
import {
  cartReply,
  lineReply,
  whatNextReply,
} from '../../src/flows/customer/cart-replies.ts';
import {
  addressReply,
  fulfilmentReply,
  ordersReplies,
  summaryReplies,
} from '../../src/flows/customer/checkout-replies.ts';
import {
  consentReply,
  helpReply,
  languageMenuReply,
  mainMenuReply,
  resumeReply,
} from '../../src/flows/customer/common-replies.ts';
import { createCustomerContext } from '../../src/flows/customer/context.ts';
import {
  categoriesReply,
  productReply,
  productsReply,
  quantityPromptReply,
  searchPromptReply,
  searchResultsReply,
} from '../../src/flows/customer/shop-replies.ts';
import { LANGUAGES, translate } from '../../src/i18n/index.ts';

/** A USSD screen in GSM 7-bit characters. */
const SCREEN = 160;
/** WhatsApp's reply-button title limit; list rows allow 24. */
const LABEL = 20;
/** The longest product name the catalogue allows on a row. */
const NAME = 'Sunflower oil 750ml xxxx';

const products: ProductSummary[] = [1, 2, 3, 4].map((n) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  name: NAME,
  priceCents: 129_999,
  stockQuantity: 3,
  isAvailable: n !== 4,
}));

const categories: CategorySummary[] = [
  'groceries',
  'drinks',
  'household',
  'hot_food',
  'personal_care',
].map((key, n) => ({
  id: `10000000-0000-4000-8000-00000000000${n}`,
  name: key,
  nameKey: `shop:category.${key}`,
}));

const cart: Cart = {
  lines: products.map((product) => ({
    productId: product.id,
    name: product.name,
    unitPriceCents: product.priceCents,
    quantity: 12,
    lineTotalCents: product.priceCents * 12,
    stockQuantity: product.stockQuantity,
    isAvailable: product.isAvailable,
  })),
  totalCents: 6_239_952,
  itemCount: 48,
};

const context = {
  ...createCustomerContext({
    contactId: '+27820000000',
    phone: '+27820000000',
    channel: 'ussd',
    sessionId: 'abc',
    language: 'en',
    shopName: 'Demo',
  }),
  fulfilment: 'delivery' as const,
  deliveryAddress: 'x'.repeat(160),
};

/** Screens a person sees as one menu, each at its largest. */
const SCREENS: Record<string, Reply> = {
  mainMenu: mainMenuReply,
  languageMenu: languageMenuReply({ canGoBack: true }),
  consent: consentReply,
  help: helpReply,
  resume: resumeReply,
  categories: categoriesReply(categories),
  products: productsReply({ items: products, page: 1, pageCount: 12 }),
  product: productReply({
    ...products[0]!,
    description: '',
    categoryId: null,
    imageUrl: null,
  }),
  quantity: quantityPromptReply,
  search: searchPromptReply,
  searchResults: searchResultsReply('x'.repeat(40), {
    items: products,
    page: 1,
    pageCount: 3,
  }),
  cart: cartReply(cart, 1),
  cartLine: lineReply(cart.lines[0]!),
  whatNext: whatNextReply,
  fulfilment: fulfilmentReply,
  address: addressReply('whatsapp'),
  summaryQuestion: summaryReplies(context, cart)[1]!,
  orders: ordersReplies([])[0]!,
};

function render(reply: Reply, language: (typeof LANGUAGES)[number]): string {
  const head = translate(language, reply.text);
  if (reply.kind !== 'menu') return head;
  const rows = numberOptions(reply.options).map(
    ({ digits, option }) => `${digits}. ${translate(language, option.label)}`,
  );
  return [head, ...rows].join('\n');
}

/** Labels that are words, not product names the shop typed. */
function wordLabels(reply: Reply): I18nText[] {
  if (reply.kind !== 'menu') return [];
  return reply.options
    .map((option) => option.label)
    .filter((label) => !label.params);
}

describe('customer flow screens', () => {
  describe.each(LANGUAGES)('when the language is %s', (language) => {
    it.each(Object.keys(SCREENS))('fit %s on one USSD screen', (name) => {
      const text = render(SCREENS[name]!, language);
      expect(text.length, text).toBeLessThanOrEqual(SCREEN);
    });

    it('keep every worded option label within a WhatsApp button', () => {
      const long = Object.values(SCREENS)
        .flatMap(wordLabels)
        .map((label) => translate(language, label))
        .filter((label) => label.length > LABEL);
      expect(long).toEqual([]);
    });
  });

  it('lists at most three orders so My orders fits one screen', () => {
    const order = (n: number) => ({
      id: String(n),
      number: 10_000 + n,
      status: 'out_for_delivery',
      totalCents: 129_999,
      itemCount: 3,
      createdAt: '2025-01-01T00:00:00Z',
    });
    for (const language of LANGUAGES) {
      const text = ordersReplies([order(1), order(2), order(3)])
        .map((reply) => render(reply, language))
        .join('\n');
      expect(text.length, `${language}: ${text}`).toBeLessThanOrEqual(SCREEN);
    }
  });
});
