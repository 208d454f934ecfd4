import { addedReplies, whatNextReply } from '../cart-replies.ts';
import { apologyReply } from '../common-replies.ts';
import { chosenId, OPTION, OPTION_PREFIX } from '../option-ids.ts';
import { customerSetup } from '../setup.ts';
import {
  categoriesReply,
  noCategoriesReply,
  noProductsReply,
  productGoneReply,
  productReply,
  productsReply,
  quantityInvalidReply,
  quantityPromptReply,
} from '../shop-replies.ts';
import { TO } from '../targets.ts';
import {
  chose,
  choseId,
  failToMainMenu,
  pagingChoices,
  reportFailure,
  say,
} from '../transitions.ts';
import { typedQuantity } from '../typed-input.ts';

/** Categories, then one category's products a page at a time. */
export const browsingState = customerSetup.createStateConfig({
  initial: 'categories',
  states: {
    categories: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            src: 'loadCategories',
            onDone: [
              {
                guard: {
                  type: 'isMet',
                  params: ({ event }) => ({
                    condition: event.output.length === 0,
                  }),
                },
                target: TO.mainMenu,
                actions: say(noCategoriesReply),
              },
              {
                target: 'ready',
                actions: {
                  type: 'reply',
                  params: ({ event }) => ({
                    reply: categoriesReply(event.output),
                  }),
                },
              },
            ],
            onError: failToMainMenu,
          },
        },
        ready: {
          on: {
            'flow.redraw': 'loading',
            'user.choice': [
              {
                guard: choseId(OPTION_PREFIX.category),
                target: TO.products,
                actions: {
                  type: 'update',
                  params: ({ event }) => ({
                    categoryId: chosenId(event, OPTION_PREFIX.category) ?? null,
                    page: 1,
                  }),
                },
              },
              { guard: chose(OPTION.back), target: TO.mainMenu },
            ],
          },
        },
      },
    },
    products: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            src: 'loadProducts',
            input: ({ context }) => ({
              categoryId: context.categoryId ?? '',
              page: context.page,
            }),
            onDone: [
              {
                guard: {
                  type: 'isMet',
                  params: ({ event }) => ({
                    condition: event.output.items.length === 0,
                  }),
                },
                target: TO.categories,
                actions: say(noProductsReply),
              },
              {
                target: 'ready',
                actions: [
                  {
                    type: 'update',
                    params: ({ event }) => ({ page: event.output.page }),
                  },
                  {
                    type: 'reply',
                    params: ({ event }) => ({
                      reply: productsReply(event.output),
                    }),
                  },
                ],
              },
            ],
            onError: failToMainMenu,
          },
        },
        ready: {
          on: {
            'flow.redraw': 'loading',
            'user.choice': [
              {
                guard: choseId(OPTION_PREFIX.product),
                target: TO.product,
                actions: {
                  type: 'update',
                  params: ({ event }) => ({
                    productId: chosenId(event, OPTION_PREFIX.product) ?? null,
                    productOrigin: 'browse',
                  }),
                },
              },
              ...pagingChoices('page'),
              { guard: chose(OPTION.back), target: TO.categories },
            ],
          },
        },
      },
    },
  },
});

const backToList = [
  {
    guard: {
      type: 'isMet',
      params: ({ context }: { context: { productOrigin: string } }) => ({
        condition: context.productOrigin === 'search',
      }),
    },
    target: TO.searchResults,
  },
  { target: TO.products },
] as const;

/** One product: name, price, in stock or not, and Add to cart. */
export const productState = customerSetup.createStateConfig({
  initial: 'loading',
  states: {
    loading: {
      invoke: {
        src: 'loadProduct',
        input: ({ context }) => ({ productId: context.productId ?? '' }),
        onDone: [
          {
            guard: {
              type: 'isMet',
              params: ({ event }) => ({ condition: event.output === null }),
            },
            target: 'returning',
            actions: say(productGoneReply),
          },
          {
            target: 'ready',
            actions: {
              type: 'reply',
              params: ({ event }) => ({
                // Never null here: the branch above took that case.
                reply: event.output ? productReply(event.output) : apologyReply,
              }),
            },
          },
        ],
        onError: failToMainMenu,
      },
    },
    /** Leaves for the list the product was chosen from (browse or search). */
    returning: { always: backToList },
    ready: {
      on: {
        'flow.redraw': 'loading',
        'user.choice': [
          { guard: chose(OPTION.addToCart), target: TO.askingQuantity },
          { guard: chose(OPTION.back), target: 'returning' },
        ],
      },
    },
  },
});

/** "How many?" typed as a number from 1 to 99. */
export const askingQuantityState = customerSetup.createStateConfig({
  entry: say(quantityPromptReply),
  on: {
    'user.text': [
      {
        guard: 'isQuantity',
        target: 'addingToCart',
        actions: {
          type: 'update',
          params: ({ event }) => ({ quantity: typedQuantity(event) ?? null }),
        },
      },
      {
        guard: 'isAnswerText',
        target: 'askingQuantity',
        reenter: true,
        actions: say(quantityInvalidReply),
      },
    ],
    'user.choice': { guard: chose(OPTION.back), target: TO.product },
  },
});

export const addingToCartState = customerSetup.createStateConfig({
  invoke: {
    src: 'addLine',
    input: ({ context }) => ({
      userId: context.userId ?? '',
      productId: context.productId ?? '',
      quantity: context.quantity ?? 1,
    }),
    onDone: {
      target: 'added',
      actions: [
        {
          type: 'replyAll',
          params: ({ context, event }) => ({
            replies: addedReplies(event.output, context.productId),
          }),
        },
        { type: 'update', params: { quantity: null } },
      ],
    },
    onError: {
      target: TO.product,
      actions: [say(apologyReply), reportFailure],
    },
  },
});

/** After adding: view the cart, keep shopping, or the main menu. */
export const addedState = customerSetup.createStateConfig({
  entry: say(whatNextReply),
  on: {
    'user.choice': [
      {
        guard: chose(OPTION.viewCart),
        target: TO.cart,
        actions: { type: 'update', params: { cartPage: 1 } },
      },
      { guard: chose(OPTION.keepShopping), target: `${TO.product}.returning` },
    ],
  },
});
