import type { Channel, FlowEvent } from '../../engine/inbound-event.ts';
import type { Language } from '../../i18n/index.ts';
import type { Reply } from '../reply.ts';

/** Where a product detail screen was opened from, so Back returns there. */
export type ProductOrigin = 'browse' | 'search';

/** How the customer gets the order. */
export type Fulfilment = 'delivery' | 'collection';

/** Payment methods the checkout offers; card and EFT join this list later. */
export type PaymentMethod = 'cash';

/**
 * What the customer flow remembers between turns. JSON-safe and small on
 * purpose (DESIGN.md, Sessions): ids, page numbers and the few answers the
 * checkout needs. Lists (categories, products, the cart) are loaded again
 * from the database whenever a screen is shown.
 */
export interface CustomerContext {
  /** The contact's stable key on the channel (see Contact.id). */
  contactId: string;
  /** E.164 number, when the channel gives one; needed to create a customer. */
  phone: string | null;
  channel: Channel;
  /**
   * Random per conversation; with `checkoutNumber` it makes the order's
   * idempotency key, so a re-run of the order promise after a restore finds
   * the first order instead of placing a second one.
   */
  sessionId: string;
  language: Language;
  shopName: string;
  userId: string | null;
  categoryId: string | null;
  /** Page of the product list being browsed or searched, from 1. */
  page: number;
  productId: string | null;
  productOrigin: ProductOrigin;
  searchQuery: string | null;
  /** The quantity just typed, kept only until the cart is written. */
  quantity: number | null;
  cartPage: number;
  cartProductId: string | null;
  checkoutNumber: number;
  fulfilment: Fulfilment | null;
  deliveryAddress: string | null;
  latitude: number | null;
  longitude: number | null;
  paymentMethod: PaymentMethod | null;
}

/** What the engine passes when a conversation starts afresh. */
export interface CustomerInput {
  contactId: string;
  phone: string | null;
  channel: Channel;
  sessionId: string;
  language: Language;
  shopName: string;
}

/** Events the customer machine understands. */
export type CustomerEvent =
  | FlowEvent
  | { type: 'user.menu' }
  /** Raised by the flow itself: show the current screen again. */
  | { type: 'flow.redraw' };

/** Events the machine emits; the engine collects `reply`. */
export type CustomerEmitted =
  | { type: 'reply'; reply: Reply }
  /**
   * A database call failed and the person got an apology; the turn itself
   * succeeded, so the engine would not see the error otherwise.
   */
  | { type: 'flow.failed'; code: string };

/**
 * What a fresh conversation remembers besides its input. The engine also
 * uses it to leave these values out of stored sessions (FlowDefinition's
 * `contextDefaults`).
 */
export const CUSTOMER_CONTEXT_DEFAULTS = {
  userId: null,
  categoryId: null,
  page: 1,
  productId: null,
  productOrigin: 'browse',
  searchQuery: null,
  quantity: null,
  cartPage: 1,
  cartProductId: null,
  checkoutNumber: 0,
  fulfilment: null,
  deliveryAddress: null,
  latitude: null,
  longitude: null,
  paymentMethod: null,
} as const satisfies Omit<CustomerContext, keyof CustomerInput>;

/** The context of a fresh conversation. */
export function createCustomerContext(input: CustomerInput): CustomerContext {
  return { ...input, ...CUSTOMER_CONTEXT_DEFAULTS };
}
