import { notUnderstoodReply } from './common-replies.ts';
import { OPTION } from './option-ids.ts';
import { customerSetup, initialContext } from './setup.ts';
import {
  changingLanguageState,
  helpState,
  mainMenuState,
  ordersState,
  resumeOfferState,
  savingLanguageState,
} from './states/account.ts';
import {
  addedState,
  addingToCartState,
  askingQuantityState,
  browsingState,
  productState,
} from './states/browsing.ts';
import { cartState } from './states/cart.ts';
import { checkoutState } from './states/checkout.ts';
import {
  declinedState,
  identifyingState,
  onboardingState,
  unavailableState,
} from './states/onboarding.ts';
import { searchingState } from './states/searching.ts';
import { TO } from './targets.ts';
import { chose, say } from './transitions.ts';

/**
 * The customer's conversation with a shop: onboarding (language, POPIA
 * consent), then the shop itself. Everything after consent lives in
 * `active.session`; the language menu and the redial offer sit beside it so
 * that a deep history state can bring the person back to where they were.
 *
 * How a screen is shown again: states whose entry sends their screen are
 * simply re-entered; states that load data first (`x.loading` then
 * `x.ready`) react to `flow.redraw` by loading again. Leaving for the
 * history state and raising `flow.redraw` therefore redraws any screen.
 */
export const customerMachine = customerSetup.createMachine({
  id: 'customer',
  context: initialContext,
  initial: 'identifying',
  states: {
    identifying: identifyingState,
    onboarding: onboardingState,
    declined: declinedState,
    unavailable: unavailableState,
    active: {
      initial: 'session',
      on: {
        'user.menu': { target: TO.mainMenu },
        'user.start': { target: TO.resumeOffer },
        'user.text': { guard: 'isLanguageWord', target: TO.changingLanguage },
        'user.choice': { guard: chose(OPTION.menu), target: TO.mainMenu },
        'user.*': {
          target: TO.history,
          actions: [say(notUnderstoodReply), 'redraw'],
        },
      },
      states: {
        session: {
          initial: 'mainMenu',
          states: {
            history: { type: 'history', history: 'deep' },
            mainMenu: mainMenuState,
            browsing: browsingState,
            product: productState,
            askingQuantity: askingQuantityState,
            addingToCart: addingToCartState,
            added: addedState,
            searching: searchingState,
            cart: cartState,
            checkout: checkoutState,
            orders: ordersState,
            help: helpState,
          },
        },
        changingLanguage: changingLanguageState,
        savingLanguage: savingLanguageState,
        resumeOffer: resumeOfferState,
      },
    },
  },
});
