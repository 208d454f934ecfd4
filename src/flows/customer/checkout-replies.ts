import type { Cart, OrderSummary, ShortItem } from '../../commerce/index.ts';
import { formatRand } from '../../i18n/index.ts';
import type { Channel } from '../../engine/inbound-event.ts';
import { t, type I18nText, type Reply } from '../reply.ts';
import { NAV } from './common-replies.ts';
import type { CustomerContext } from './context.ts';
import { OPTION } from './option-ids.ts';

/** Characters of a typed address repeated in the order summary. */
const ADDRESS_SHOWN = 40;

/** Order statuses (orders.status CHECK) and their text keys. */
const STATUS_KEYS: Record<string, string> = {
  pending: 'orders:status.pending',
  confirmed: 'orders:status.confirmed',
  preparing: 'orders:status.preparing',
  ready: 'orders:status.ready',
  out_for_delivery: 'orders:status.out_for_delivery',
  delivered: 'orders:status.delivered',
  collected: 'orders:status.collected',
  cancelled: 'orders:status.cancelled',
};

export const fulfilmentReply: Reply = {
  kind: 'menu',
  text: t('checkout:fulfilment.title'),
  options: [
    { id: OPTION.delivery, label: t('checkout:fulfilment.delivery') },
    { id: OPTION.collection, label: t('checkout:fulfilment.collection') },
    NAV.back,
  ],
};

/** Asks for the address; on WhatsApp a location pin is offered too. */
export function addressReply(channel: Channel): Reply {
  const canSendPin = channel === 'whatsapp' || channel === 'wweb';
  return {
    kind: 'location_request',
    text: t(
      canSendPin ? 'checkout:address.prompt_pin' : 'checkout:address.prompt',
    ),
  };
}

export const addressInvalidReply: Reply = {
  kind: 'text',
  text: t('checkout:address.invalid'),
};

function fulfilmentText(context: CustomerContext): I18nText {
  if (context.fulfilment === 'collection') {
    return t('checkout:summary.collection');
  }
  if (context.deliveryAddress) {
    return t('checkout:summary.delivery', {
      address: context.deliveryAddress.slice(0, ADDRESS_SHOWN),
    });
  }
  return t('checkout:summary.delivery_pin');
}

function paymentText(context: CustomerContext): I18nText {
  return t(
    context.fulfilment === 'collection'
      ? 'checkout:payment.cash_on_collection'
      : 'checkout:payment.cash_on_delivery',
  );
}

/**
 * The order summary: the lines (names and amounts are shop data, joined
 * one per line), the total, how the order comes and how it is paid.
 */
export function summaryReplies(context: CustomerContext, cart: Cart): Reply[] {
  const lines = cart.lines
    .map(
      (line) =>
        `${line.quantity} x ${line.name} ${formatRand(line.lineTotalCents)}`,
    )
    .join('\n');
  return [
    {
      kind: 'text',
      text: t('checkout:summary.order', {
        lines,
        total: formatRand(cart.totalCents),
      }),
    },
    {
      kind: 'menu',
      text: t('checkout:summary.confirm', {
        fulfilment: fulfilmentText(context),
        payment: paymentText(context),
      }),
      options: [
        { id: OPTION.confirmOrder, label: t('checkout:confirm') },
        NAV.back,
        NAV.menu,
      ],
    },
  ];
}

export function placedReply(
  order: { number: number; totalCents: number },
  fulfilment: 'delivery' | 'collection',
): Reply {
  return {
    kind: 'text',
    text: t(`checkout:placed.${fulfilment}`, {
      number: order.number,
      total: formatRand(order.totalCents),
    }),
  };
}

export function outOfStockReply(items: ShortItem[]): Reply {
  return {
    kind: 'text',
    text: t('checkout:out_of_stock', {
      items: items.map((item) => item.name).join(', '),
    }),
  };
}

/** "My orders": a heading, one line per recent order, then what next. */
export function ordersReplies(orders: OrderSummary[]): Reply[] {
  const next = [{ id: OPTION.shop, label: t('shop:menu.shop') }, NAV.back];
  if (orders.length === 0) {
    return [{ kind: 'menu', text: t('orders:empty'), options: next }];
  }
  return [
    { kind: 'text', text: t('orders:title') },
    ...orders.map((order): Reply => ({
      kind: 'text',
      text: t('orders:line', {
        number: order.number,
        total: formatRand(order.totalCents),
        // The CHECK constraint allows only the statuses above; pending is
        // the safe reading should a new one appear before its text.
        status: t(STATUS_KEYS[order.status] ?? 'orders:status.pending'),
      }),
    })),
    { kind: 'menu', text: t('common:what_next'), options: next },
  ];
}
