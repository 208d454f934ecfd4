import {
  consentReply,
  declinedReply,
  languageMenuReply,
  notUnderstoodReply,
  unavailableReply,
  welcomeReply,
} from '../common-replies.ts';
import { chosenLanguage, OPTION } from '../option-ids.ts';
import { customerSetup } from '../setup.ts';
import { TO } from '../targets.ts';
import { chose, reportFailure, say } from '../transitions.ts';

/**
 * First state of every fresh conversation: who is this contact, and have
 * they agreed to the privacy notice? A returning customer with consent goes
 * straight to the main menu in their own language.
 */
export const identifyingState = customerSetup.createStateConfig({
  invoke: {
    src: 'identifyContact',
    input: ({ context }) => ({
      contactId: context.contactId,
      phone: context.phone,
    }),
    onDone: [
      {
        guard: {
          type: 'isMet',
          params: ({ event }) => ({
            condition:
              event.output.consent === 'granted' &&
              event.output.userId !== null,
          }),
        },
        target: TO.active,
        actions: [
          {
            type: 'update',
            params: ({ context, event }) => ({
              userId: event.output.userId,
              language: event.output.language ?? context.language,
            }),
          },
          {
            type: 'reply',
            params: ({ context }) => ({
              reply: welcomeReply(context.shopName, true),
            }),
          },
        ],
      },
      {
        target: TO.onboarding,
        actions: {
          type: 'update',
          params: ({ context, event }) => ({
            language: event.output.language ?? context.language,
          }),
        },
      },
    ],
    onError: { target: TO.unavailable, actions: reportFailure },
  },
});

/**
 * Language, then the POPIA notice. Nothing about the person is stored
 * before they agree; a refusal is stored as a hash of the number only.
 */
export const onboardingState = customerSetup.createStateConfig({
  initial: 'choosingLanguage',
  on: {
    // Before consent there is no main menu to go to: show the step again.
    'user.start': { actions: 'redraw' },
    'user.menu': { actions: 'redraw' },
    'user.*': { actions: [say(notUnderstoodReply), 'redraw'] },
  },
  states: {
    choosingLanguage: {
      entry: say(languageMenuReply({ canGoBack: false })),
      on: {
        'flow.redraw': { target: 'choosingLanguage', reenter: true },
        'user.choice': {
          guard: 'isLanguageChoice',
          target: 'askingConsent',
          actions: {
            type: 'update',
            params: ({ context, event }) => ({
              language: chosenLanguage(event) ?? context.language,
            }),
          },
        },
      },
    },
    askingConsent: {
      entry: say(consentReply),
      on: {
        'flow.redraw': { target: 'askingConsent', reenter: true },
        'user.choice': [
          { guard: chose(OPTION.consentAccept), target: 'savingConsent' },
          { guard: chose(OPTION.consentDecline), target: 'savingRefusal' },
        ],
      },
    },
    savingConsent: {
      invoke: {
        src: 'acceptConsent',
        input: ({ context }) => ({
          contactId: context.contactId,
          phone: context.phone,
          language: context.language,
          channel: context.channel,
        }),
        onDone: {
          target: TO.active,
          actions: [
            {
              type: 'update',
              params: ({ event }) => ({ userId: event.output.userId }),
            },
            {
              type: 'reply',
              params: ({ context }) => ({
                reply: welcomeReply(context.shopName, false),
              }),
            },
          ],
        },
        onError: { target: TO.unavailable, actions: reportFailure },
      },
    },
    savingRefusal: {
      invoke: {
        src: 'declineConsent',
        input: ({ context }) => ({
          contactId: context.contactId,
          phone: context.phone,
          language: context.language,
          channel: context.channel,
        }),
        onDone: { target: TO.declined },
        // The person said no: end politely even if the record failed.
        onError: { target: TO.declined, actions: reportFailure },
      },
    },
  },
});

export const declinedState = customerSetup.createStateConfig({
  type: 'final',
  entry: say(declinedReply),
});

export const unavailableState = customerSetup.createStateConfig({
  type: 'final',
  entry: say(unavailableReply),
});
