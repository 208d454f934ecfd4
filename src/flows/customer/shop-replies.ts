import type {
  CategorySummary,
  ProductDetail,
  ProductSummary,
} from '../../commerce/index.ts';
import { formatRand } from '../../i18n/index.ts';
import { t, type MenuOption, type Reply } from '../reply.ts';
import { NAV } from './common-replies.ts';
import { OPTION, OPTION_PREFIX } from './option-ids.ts';

/**
 * Most categories one menu lists. A WhatsApp list holds ten rows and a USSD
 * screen fewer; a shop with more categories shows only the first eight
 * (in sort order) until categories are paged like products.
 */
export const MAX_CATEGORIES_SHOWN = 8;

/** A page of products, as `listProducts` or a paged search returns it. */
export interface ProductListPage {
  items: ProductSummary[];
  page: number;
  pageCount: number;
}

function categoryOption(category: CategorySummary): MenuOption {
  return {
    id: `${OPTION_PREFIX.category}${category.id}`,
    // Starter categories are read in the customer's language; a category
    // the vendor named is shop data and shows as written.
    label: category.nameKey
      ? t(category.nameKey)
      : t('shop:category.custom', { name: category.name }),
  };
}

export function categoriesReply(categories: CategorySummary[]): Reply {
  return {
    kind: 'menu',
    text: t('shop:categories.title'),
    options: [
      ...categories.slice(0, MAX_CATEGORIES_SHOWN).map(categoryOption),
      NAV.back,
    ],
  };
}

export const noCategoriesReply: Reply = {
  kind: 'text',
  text: t('shop:categories.empty'),
};

function productOption(product: ProductSummary): MenuOption {
  const price = formatRand(product.priceCents);
  return {
    id: `${OPTION_PREFIX.product}${product.id}`,
    label: t('shop:product.label', { name: product.name }),
    description: product.isAvailable
      ? t('shop:product.price', { price })
      : t('shop:product.price_sold_out', { price }),
  };
}

function productOptions(list: ProductListPage): MenuOption[] {
  return [
    ...list.items.map(productOption),
    ...(list.page < list.pageCount ? [NAV.more] : []),
    NAV.back,
  ];
}

export function productsReply(list: ProductListPage): Reply {
  return {
    kind: 'menu',
    text: t('shop:products.title', {
      page: list.page,
      pages: list.pageCount,
    }),
    options: productOptions(list),
  };
}

export const noProductsReply: Reply = {
  kind: 'text',
  text: t('shop:products.empty'),
};

export function productReply(product: ProductDetail): Reply {
  const params = { name: product.name, price: formatRand(product.priceCents) };
  return {
    kind: 'menu',
    text: product.isAvailable
      ? t('shop:product.in_stock', params)
      : t('shop:product.sold_out', params),
    options: [
      ...(product.isAvailable
        ? [{ id: OPTION.addToCart, label: t('shop:product.add') }]
        : []),
      NAV.back,
    ],
  };
}

export const productGoneReply: Reply = {
  kind: 'text',
  text: t('shop:product.not_found'),
};

export const quantityPromptReply: Reply = {
  kind: 'menu',
  text: t('shop:quantity.prompt'),
  options: [NAV.back],
};

export const quantityInvalidReply: Reply = {
  kind: 'text',
  text: t('shop:quantity.invalid'),
};

export const searchPromptReply: Reply = {
  kind: 'menu',
  text: t('shop:search.prompt'),
  options: [NAV.back],
};

/** Characters of the query repeated above the results. */
const QUERY_SHOWN = 10;

export function searchResultsReply(
  query: string,
  list: ProductListPage,
): Reply {
  return {
    kind: 'menu',
    text: t('shop:search.title', { query: query.slice(0, QUERY_SHOWN) }),
    options: productOptions(list),
  };
}

export function searchEmptyReply(query: string): Reply {
  return { kind: 'text', text: t('shop:search.empty', { query }) };
}
