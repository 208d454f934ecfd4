import {
  cartPageCount,
  cartReply,
  cartUpdatedReply,
  findLine,
  lineGoneReply,
  lineRemovedReply,
  lineReply,
  newQuantityReply,
} from '../cart-replies.ts';
import { apologyReply } from '../common-replies.ts';
import { chosenId, OPTION, OPTION_PREFIX } from '../option-ids.ts';
import { customerSetup } from '../setup.ts';
import { quantityInvalidReply } from '../shop-replies.ts';
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

const toViewing = `${TO.cart}.viewing`;
const toLine = `${TO.cart}.line`;

/**
 * Opens the checkout. The counter goes up here, on the way in, and not in
 * an entry action: a return through history must keep the checkout's
 * answers and its idempotency key.
 */
const startCheckout = {
  type: 'update',
  params: ({ context }: { context: { checkoutNumber: number } }) => ({
    checkoutNumber: context.checkoutNumber + 1,
    fulfilment: null,
    deliveryAddress: null,
    latitude: null,
    longitude: null,
    paymentMethod: null,
  }),
} as const;

/** The cart: its lines a page at a time, a line's quantity, checkout. */
export const cartState = customerSetup.createStateConfig({
  initial: 'viewing',
  states: {
    viewing: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            src: 'loadCart',
            input: ({ context }) => ({ userId: context.userId ?? '' }),
            onDone: {
              target: 'ready',
              actions: [
                {
                  type: 'update',
                  params: ({ context, event }) => ({
                    cartPage: Math.min(
                      context.cartPage,
                      cartPageCount(event.output),
                    ),
                  }),
                },
                {
                  type: 'reply',
                  params: ({ context, event }) => ({
                    reply: cartReply(event.output, context.cartPage),
                  }),
                },
              ],
            },
            onError: failToMainMenu,
          },
        },
        ready: {
          on: {
            'flow.redraw': 'loading',
            'user.choice': [
              {
                guard: choseId(OPTION_PREFIX.cartLine),
                target: toLine,
                actions: {
                  type: 'update',
                  params: ({ event }) => ({
                    cartProductId:
                      chosenId(event, OPTION_PREFIX.cartLine) ?? null,
                  }),
                },
              },
              {
                guard: chose(OPTION.checkout),
                target: TO.checkout,
                actions: startCheckout,
              },
              { guard: chose(OPTION.shop), target: TO.categories },
              ...pagingChoices('cartPage'),
              { guard: chose(OPTION.back), target: TO.mainMenu },
            ],
          },
        },
      },
    },
    line: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            src: 'loadCart',
            input: ({ context }) => ({ userId: context.userId ?? '' }),
            onDone: [
              {
                guard: {
                  type: 'isMet',
                  params: ({ context, event }) => ({
                    condition: !findLine(event.output, context.cartProductId),
                  }),
                },
                target: toViewing,
                actions: say(lineGoneReply),
              },
              {
                target: 'ready',
                actions: {
                  type: 'reply',
                  params: ({ context, event }) => {
                    const line = findLine(event.output, context.cartProductId);
                    // Never undefined here: the branch above took that case.
                    return { reply: line ? lineReply(line) : lineGoneReply };
                  },
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
                guard: chose(OPTION.changeQuantity),
                target: `${TO.cart}.askingQuantity`,
              },
              {
                guard: chose(OPTION.removeLine),
                target: `${TO.cart}.removing`,
              },
              { guard: chose(OPTION.back), target: toViewing },
            ],
          },
        },
      },
    },
    askingQuantity: {
      entry: say(newQuantityReply),
      on: {
        'user.text': [
          {
            guard: 'isQuantity',
            target: 'saving',
            actions: {
              type: 'update',
              params: ({ event }) => ({
                quantity: typedQuantity(event) ?? null,
              }),
            },
          },
          {
            guard: 'isAnswerText',
            target: 'askingQuantity',
            reenter: true,
            actions: say(quantityInvalidReply),
          },
        ],
        'user.choice': { guard: chose(OPTION.back), target: toLine },
      },
    },
    saving: {
      invoke: {
        src: 'changeLine',
        input: ({ context }) => ({
          userId: context.userId ?? '',
          productId: context.cartProductId ?? '',
          quantity: context.quantity ?? 1,
        }),
        onDone: {
          target: 'viewing',
          actions: [
            say(cartUpdatedReply),
            { type: 'update', params: { quantity: null } },
          ],
        },
        onError: {
          target: 'viewing',
          actions: [say(apologyReply), reportFailure],
        },
      },
    },
    removing: {
      invoke: {
        src: 'removeLine',
        input: ({ context }) => ({
          userId: context.userId ?? '',
          productId: context.cartProductId ?? '',
        }),
        onDone: {
          target: 'viewing',
          actions: [
            say(lineRemovedReply),
            { type: 'update', params: { cartProductId: null } },
          ],
        },
        onError: {
          target: 'viewing',
          actions: [say(apologyReply), reportFailure],
        },
      },
    },
  },
});
