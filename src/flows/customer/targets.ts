/**
 * Absolute targets of the customer machine (`#` + the state's path), kept
 * in one place so the state files agree on them.
 */
export const TO = {
  onboarding: '#customer.onboarding',
  active: '#customer.active',
  declined: '#customer.declined',
  unavailable: '#customer.unavailable',
  history: '#customer.active.session.history',
  changingLanguage: '#customer.active.changingLanguage',
  resumeOffer: '#customer.active.resumeOffer',
  mainMenu: '#customer.active.session.mainMenu',
  categories: '#customer.active.session.browsing.categories',
  products: '#customer.active.session.browsing.products',
  product: '#customer.active.session.product',
  askingQuantity: '#customer.active.session.askingQuantity',
  searching: '#customer.active.session.searching',
  searchResults: '#customer.active.session.searching.results',
  cart: '#customer.active.session.cart',
  checkout: '#customer.active.session.checkout',
  orders: '#customer.active.session.orders',
  help: '#customer.active.session.help',
} as const;
