import { fromPromise } from 'xstate';
import {
  addToCart,
  catalogueCache,
  ensureCustomer,
  findUserByPhone,
  getCart,
  getProduct,
  listOrders,
  placeOrder,
  removeFromCart,
  searchProducts,
  setCartQuantity,
  setUserLanguage,
} from '../../commerce/index.ts';
import type { PlaceOrderInput } from '../../commerce/index.ts';
import { getConsentStatus, recordConsent } from '../../privacy/index.ts';
import type { ConsentStatus } from '../../privacy/index.ts';
import { InputError, hashPhone } from '../../shared/index.ts';
import type { Language } from '../../i18n/index.ts';

/**
 * Version of the privacy notice text (`onboarding:consent.notice`). Change
 * it when the notice changes in substance, so the records say what each
 * person agreed to.
 */
export const CONSENT_NOTICE_VERSION = '2025-01';

/** Products per page of a category or of search results. */
export const PRODUCT_PAGE_SIZE = 4;

/** Search results fetched at once; paged by PRODUCT_PAGE_SIZE in the flow. */
export const SEARCH_LIMIT = 12;

/** Orders "My orders" shows: three lines fit one USSD screen. */
export const ORDERS_SHOWN = 3;

/** What the flow knows about a contact when a conversation starts. */
export interface ContactStanding {
  userId: string | null;
  language: Language | null;
  consent: ConsentStatus;
}

interface ConsentInput {
  contactId: string;
  phone: string | null;
  language: Language;
  channel: string;
}

/** Finds the user behind the contact and their consent answer. */
const identifyContact = fromPromise(
  async ({
    input,
  }: {
    input: { contactId: string; phone: string | null };
  }): Promise<ContactStanding> => {
    const [user, consent] = await Promise.all([
      input.phone ? findUserByPhone(input.phone) : Promise.resolve(null),
      getConsentStatus(hashPhone(input.contactId)),
    ]);
    return {
      userId: user?.id ?? null,
      language: user?.language ?? null,
      consent,
    };
  },
);

/**
 * Creates (or finds) the customer and records the consent. The customer
 * comes first so the consent record can name them; both steps are safe to
 * repeat if a restored snapshot re-runs this promise.
 */
const acceptConsent = fromPromise(
  async ({ input }: { input: ConsentInput }): Promise<{ userId: string }> => {
    if (!input.phone) {
      throw new InputError(
        'flow.contact_without_phone',
        'The channel gave no phone number for this contact, so no customer can be created.',
      );
    }
    const user = await ensureCustomer(input.phone, {
      language: input.language,
    });
    if (user.language !== input.language) {
      await setUserLanguage(user.id, input.language);
    }
    await recordConsent({
      contactHash: hashPhone(input.contactId),
      userId: user.id,
      purpose: 'processing',
      isGranted: true,
      noticeVersion: CONSENT_NOTICE_VERSION,
      channel: input.channel,
    });
    return { userId: user.id };
  },
);

/** Records a refusal: only the keyed hash of the number, no user row. */
const declineConsent = fromPromise(
  async ({ input }: { input: ConsentInput }): Promise<void> => {
    await recordConsent({
      contactHash: hashPhone(input.contactId),
      purpose: 'processing',
      isGranted: false,
      noticeVersion: CONSENT_NOTICE_VERSION,
      channel: input.channel,
    });
  },
);

const saveLanguage = fromPromise(
  ({ input }: { input: { userId: string; language: Language } }) =>
    setUserLanguage(input.userId, input.language),
);

// Browsing lists come from the short-lived catalogue cache: a few seconds
// of staleness in what a list shows is fine, because the product screen,
// the cart and the order (which takes the stock) all read the database.
const loadCategories = fromPromise(() => catalogueCache.categories());

const loadProducts = fromPromise(
  ({ input }: { input: { categoryId: string; page: number } }) =>
    catalogueCache.productPage(input.categoryId, {
      page: input.page,
      pageSize: PRODUCT_PAGE_SIZE,
    }),
);

const loadProduct = fromPromise(({ input }: { input: { productId: string } }) =>
  getProduct(input.productId),
);

const findProducts = fromPromise(({ input }: { input: { query: string } }) =>
  searchProducts(input.query, { limit: SEARCH_LIMIT }),
);

const loadCart = fromPromise(({ input }: { input: { userId: string } }) =>
  getCart(input.userId),
);

const addLine = fromPromise(
  ({
    input,
  }: {
    input: { userId: string; productId: string; quantity: number };
  }) => addToCart(input.userId, input.productId, input.quantity),
);

const changeLine = fromPromise(
  ({
    input,
  }: {
    input: { userId: string; productId: string; quantity: number };
  }) => setCartQuantity(input.userId, input.productId, input.quantity),
);

const removeLine = fromPromise(
  ({ input }: { input: { userId: string; productId: string } }) =>
    removeFromCart(input.userId, input.productId),
);

const submitOrder = fromPromise(({ input }: { input: PlaceOrderInput }) =>
  placeOrder(input),
);

const loadOrders = fromPromise(({ input }: { input: { userId: string } }) =>
  listOrders(input.userId, { limit: ORDERS_SHOWN }),
);

/**
 * Every actor the customer flow invokes, registered by name in `setup()`:
 * a persisted snapshot refers to its children by these names only.
 */
export const customerActors = {
  identifyContact,
  acceptConsent,
  declineConsent,
  saveLanguage,
  loadCategories,
  loadProducts,
  loadProduct,
  findProducts,
  loadCart,
  addLine,
  changeLine,
  removeLine,
  submitOrder,
  loadOrders,
};
