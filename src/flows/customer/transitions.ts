import type { Reply } from '../reply.ts';
import { apologyReply, notUnderstoodReply } from './common-replies.ts';
import type { CustomerContext, CustomerEvent } from './context.ts';
import { chosenOption, OPTION, type OptionPrefix } from './option-ids.ts';
import { TO } from './targets.ts';

/**
 * Small builders for the transitions every screen repeats. They return
 * plain config objects; `createStateConfig` checks them where they are used.
 */

/** A `reply` action with a fixed reply. */
export function say(reply: Reply) {
  return { type: 'reply', params: { reply } } as const;
}

/** Guard: the person chose the option `id`. */
export function chose(id: string) {
  return { type: 'isOption', params: { id } } as const;
}

/** Guard: the person chose an option carrying a record id after `prefix`. */
export function choseId(prefix: OptionPrefix) {
  return { type: 'hasChosenId', params: { prefix } } as const;
}

/** Reports an actor's failure to the engine (it logs) without a crash. */
export const reportFailure = {
  type: 'reportFailure',
  params: ({ event }: { event: { error?: unknown } }) => ({
    error: event.error,
  }),
} as const;

/**
 * The `onError` of a database call: apologise, report, and go to the main
 * menu, the one screen that needs no database to show.
 */
export const failToMainMenu = {
  target: TO.mainMenu,
  actions: [say(apologyReply), reportFailure],
} as const;

/**
 * Shows the screen `self` again after "Sorry, we did not understand".
 * Used by prompt states whose entry sends their screen.
 */
export function notUnderstoodAt(self: string) {
  return {
    target: self,
    reenter: true,
    actions: say(notUnderstoodReply),
  } as const;
}

/** Returns to where the person was in the session and redraws it. */
export const backToHistory = {
  target: TO.history,
  actions: ['redraw'],
} as const;

type PageField = 'page' | 'cartPage';

function turnPage(field: PageField, by: number) {
  return {
    type: 'update',
    params: ({ context }: { context: CustomerContext }) =>
      field === 'page'
        ? { page: context.page + by }
        : { cartPage: context.cartPage + by },
  } as const;
}

/**
 * More and Back on a paged list: More turns the page, Back turns it back
 * while there is a page before. Back on the first page is left to the
 * caller's next transition. Both reload the list (`loading`).
 */
export function pagingChoices(field: PageField) {
  return [
    {
      guard: chose(OPTION.more),
      target: 'loading',
      actions: turnPage(field, 1),
    },
    {
      guard: {
        type: 'isMet',
        params: ({
          context,
          event,
        }: {
          context: CustomerContext;
          event: CustomerEvent;
        }) => ({
          condition: chosenOption(event) === OPTION.back && context[field] > 1,
        }),
      },
      target: 'loading',
      actions: turnPage(field, -1),
    },
  ] as const;
}
