import {
  addressInvalidReply,
  addressReply,
  fulfilmentReply,
  outOfStockReply,
  placedReply,
  summaryReplies,
} from '../checkout-replies.ts';
import { apologyReply } from '../common-replies.ts';
import { OPTION } from '../option-ids.ts';
import { customerSetup } from '../setup.ts';
import { TO } from '../targets.ts';
import { chose, failToMainMenu, reportFailure, say } from '../transitions.ts';
import { typedAddress } from '../typed-input.ts';

/** Longest place name or address a location pin may bring along. */
const MAX_PIN_LABEL = 160;

/**
 * Checkout: how the order comes (delivery to a typed address or a pin, or
 * collection), how it is paid, the summary, and the order itself. Stock is
 * checked and taken atomically by `placeOrder` at confirmation only.
 */
export const checkoutState = customerSetup.createStateConfig({
  initial: 'choosingFulfilment',
  states: {
    choosingFulfilment: {
      entry: say(fulfilmentReply),
      on: {
        'user.choice': [
          {
            guard: chose(OPTION.delivery),
            target: 'askingAddress',
            actions: { type: 'update', params: { fulfilment: 'delivery' } },
          },
          {
            guard: chose(OPTION.collection),
            target: 'choosingPayment',
            actions: {
              type: 'update',
              params: {
                fulfilment: 'collection',
                deliveryAddress: null,
                latitude: null,
                longitude: null,
              },
            },
          },
          { guard: chose(OPTION.back), target: TO.cart },
        ],
      },
    },
    askingAddress: {
      entry: {
        type: 'reply',
        params: ({ context }) => ({ reply: addressReply(context.channel) }),
      },
      on: {
        'user.text': [
          {
            guard: 'isAddress',
            target: 'choosingPayment',
            actions: {
              type: 'update',
              params: ({ event }) => ({
                deliveryAddress: typedAddress(event) ?? null,
                latitude: null,
                longitude: null,
              }),
            },
          },
          {
            guard: 'isAnswerText',
            target: 'askingAddress',
            reenter: true,
            actions: say(addressInvalidReply),
          },
        ],
        'user.location': {
          target: 'choosingPayment',
          actions: {
            type: 'update',
            params: ({ event }) =>
              event.type === 'user.location'
                ? {
                    latitude: event.latitude,
                    longitude: event.longitude,
                    deliveryAddress:
                      (event.address ?? event.name)?.slice(0, MAX_PIN_LABEL) ??
                      null,
                  }
                : {},
          },
        },
      },
    },
    /**
     * Where card and instant EFT plug in: with more than one method this
     * state asks which. Today cash is the only method, so it is chosen
     * without a question and the summary states it.
     */
    choosingPayment: {
      always: {
        target: 'summary',
        actions: { type: 'update', params: { paymentMethod: 'cash' } },
      },
    },
    summary: {
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
                  params: ({ event }) => ({
                    condition: event.output.lines.length === 0,
                  }),
                },
                target: TO.cart,
              },
              {
                target: 'ready',
                actions: {
                  type: 'replyAll',
                  params: ({ context, event }) => ({
                    replies: summaryReplies(context, event.output),
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
                guard: chose(OPTION.confirmOrder),
                target: `${TO.checkout}.placing`,
              },
              {
                guard: chose(OPTION.back),
                target: `${TO.checkout}.choosingFulfilment`,
              },
            ],
          },
        },
      },
    },
    placing: {
      invoke: {
        src: 'submitOrder',
        input: ({ context }) => ({
          userId: context.userId ?? '',
          fulfilment: context.fulfilment ?? 'collection',
          deliveryAddress: context.deliveryAddress ?? undefined,
          latitude: context.latitude ?? undefined,
          longitude: context.longitude ?? undefined,
          paymentMethod: context.paymentMethod ?? 'cash',
          channel: context.channel,
          // Fixed before this state is entered and persisted with it: a
          // re-run after a restore sends the same key and gets the same
          // order back instead of a second one.
          idempotencyKey: `${context.sessionId}:${context.checkoutNumber}`,
        }),
        onDone: [
          {
            guard: {
              type: 'isMet',
              params: ({ event }) => ({ condition: event.output.ok }),
            },
            target: TO.mainMenu,
            actions: {
              type: 'reply',
              params: ({ event }) => ({
                reply: event.output.ok
                  ? placedReply(
                      event.output.order,
                      event.output.order.fulfilment,
                    )
                  : apologyReply,
              }),
            },
          },
          {
            target: TO.cart,
            actions: {
              type: 'replyAll',
              params: ({ event }) => ({
                // An empty cart needs no words: the cart screen says so.
                replies:
                  !event.output.ok && event.output.reason === 'out_of_stock'
                    ? [outOfStockReply(event.output.items)]
                    : [],
              }),
            },
          },
        ],
        onError: {
          target: 'summary',
          actions: [say(apologyReply), reportFailure],
        },
      },
    },
  },
});
