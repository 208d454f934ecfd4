import { ordersReplies } from '../checkout-replies.ts';
import {
  apologyReply,
  helpReply,
  languageChangedReply,
  languageMenuReply,
  mainMenuReply,
  resumeReply,
  welcomeReply,
} from '../common-replies.ts';
import { chosenLanguage, OPTION } from '../option-ids.ts';
import { customerSetup } from '../setup.ts';
import { TO } from '../targets.ts';
import {
  backToHistory,
  chose,
  failToMainMenu,
  notUnderstoodAt,
  reportFailure,
  say,
} from '../transitions.ts';

export const mainMenuState = customerSetup.createStateConfig({
  entry: say(mainMenuReply),
  on: {
    // A redial at the main menu has nothing to resume.
    'user.start': {
      target: 'mainMenu',
      reenter: true,
      actions: {
        type: 'reply',
        params: ({ context }) => ({
          reply: welcomeReply(context.shopName, true),
        }),
      },
    },
    'user.choice': [
      { guard: chose(OPTION.shop), target: TO.categories },
      { guard: chose(OPTION.search), target: TO.searching },
      {
        guard: chose(OPTION.cart),
        target: TO.cart,
        actions: { type: 'update', params: { cartPage: 1 } },
      },
      { guard: chose(OPTION.orders), target: TO.orders },
      { guard: chose(OPTION.language), target: TO.changingLanguage },
      { guard: chose(OPTION.help), target: TO.help },
    ],
  },
});

/** "My orders": the latest few with their status. */
export const ordersState = customerSetup.createStateConfig({
  initial: 'loading',
  states: {
    loading: {
      invoke: {
        src: 'loadOrders',
        input: ({ context }) => ({ userId: context.userId ?? '' }),
        onDone: {
          target: 'ready',
          actions: {
            type: 'replyAll',
            params: ({ event }) => ({ replies: ordersReplies(event.output) }),
          },
        },
        onError: failToMainMenu,
      },
    },
    ready: {
      on: {
        'flow.redraw': 'loading',
        'user.choice': [
          { guard: chose(OPTION.shop), target: TO.categories },
          { guard: chose(OPTION.back), target: TO.mainMenu },
        ],
      },
    },
  },
});

export const helpState = customerSetup.createStateConfig({
  entry: say(helpReply),
  on: {
    'user.choice': { guard: chose(OPTION.back), target: TO.mainMenu },
  },
});

/**
 * The language menu opened from anywhere after consent. It sits outside
 * `session`, so leaving `session` records where the person was and the
 * history state brings them back there, in the new language.
 */
export const changingLanguageState = customerSetup.createStateConfig({
  entry: say(languageMenuReply({ canGoBack: true })),
  on: {
    'flow.redraw': { target: 'changingLanguage', reenter: true },
    'user.choice': [
      {
        guard: 'isLanguageChoice',
        target: 'savingLanguage',
        actions: {
          type: 'update',
          params: ({ context, event }) => ({
            language: chosenLanguage(event) ?? context.language,
          }),
        },
      },
      { guard: chose(OPTION.back), ...backToHistory },
      {
        guard: { type: 'isOption', params: { id: OPTION.menu } },
        target: TO.mainMenu,
      },
      notUnderstoodAt('changingLanguage'),
    ],
    'user.text': {
      guard: 'isAnswerText',
      ...notUnderstoodAt('changingLanguage'),
    },
    'user.location': notUnderstoodAt('changingLanguage'),
    'user.media': notUnderstoodAt('changingLanguage'),
    'user.unsupported': notUnderstoodAt('changingLanguage'),
  },
});

export const savingLanguageState = customerSetup.createStateConfig({
  invoke: {
    src: 'saveLanguage',
    input: ({ context }) => ({
      userId: context.userId ?? '',
      language: context.language,
    }),
    onDone: {
      ...backToHistory,
      actions: [say(languageChangedReply), 'redraw'],
    },
    // The language is changed for this conversation even if saving it for
    // the next one failed.
    onError: {
      ...backToHistory,
      actions: [say(apologyReply), reportFailure, 'redraw'],
    },
  },
});

/**
 * Offered when a new session starts (a USSD redial after a dropped call)
 * while the conversation was midway. Starting over keeps the cart: it lives
 * in the database.
 */
export const resumeOfferState = customerSetup.createStateConfig({
  entry: say(resumeReply),
  on: {
    'flow.redraw': { target: 'resumeOffer', reenter: true },
    'user.choice': [
      { guard: chose(OPTION.resume), ...backToHistory },
      { guard: chose(OPTION.restart), target: TO.mainMenu },
      {
        guard: { type: 'isOption', params: { id: OPTION.menu } },
        target: TO.mainMenu,
      },
      notUnderstoodAt('resumeOffer'),
    ],
    'user.text': { guard: 'isAnswerText', ...notUnderstoodAt('resumeOffer') },
    'user.location': notUnderstoodAt('resumeOffer'),
    'user.media': notUnderstoodAt('resumeOffer'),
    'user.unsupported': notUnderstoodAt('resumeOffer'),
  },
});
