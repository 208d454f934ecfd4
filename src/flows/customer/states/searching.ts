import { PRODUCT_PAGE_SIZE } from '../actors.ts';
import { pageOf } from '../common-replies.ts';
import { chosenId, OPTION, OPTION_PREFIX } from '../option-ids.ts';
import { customerSetup } from '../setup.ts';
import {
  searchEmptyReply,
  searchPromptReply,
  searchResultsReply,
} from '../shop-replies.ts';
import { TO } from '../targets.ts';
import {
  chose,
  choseId,
  failToMainMenu,
  pagingChoices,
  say,
} from '../transitions.ts';
import { typedQuery } from '../typed-input.ts';

/**
 * Search by typed words. Results are fetched again for each page (the
 * search is cheap on a shop's catalogue) so the session keeps only the
 * query and the page number.
 */
export const searchingState = customerSetup.createStateConfig({
  initial: 'askingQuery',
  states: {
    askingQuery: {
      entry: say(searchPromptReply),
      on: {
        'user.text': {
          guard: 'isQuery',
          target: 'results',
          actions: {
            type: 'update',
            params: ({ event }) => ({
              searchQuery: typedQuery(event) ?? null,
              page: 1,
            }),
          },
        },
        'user.choice': { guard: chose(OPTION.back), target: TO.mainMenu },
      },
    },
    results: {
      initial: 'loading',
      states: {
        loading: {
          invoke: {
            src: 'findProducts',
            input: ({ context }) => ({ query: context.searchQuery ?? '' }),
            onDone: [
              {
                guard: {
                  type: 'isMet',
                  params: ({ event }) => ({
                    condition: event.output.length === 0,
                  }),
                },
                target: `${TO.searching}.askingQuery`,
                actions: {
                  type: 'reply',
                  params: ({ context }) => ({
                    reply: searchEmptyReply(context.searchQuery ?? ''),
                  }),
                },
              },
              {
                target: 'ready',
                actions: [
                  {
                    type: 'update',
                    params: ({ context, event }) => ({
                      page: pageOf(
                        event.output,
                        context.page,
                        PRODUCT_PAGE_SIZE,
                      ).page,
                    }),
                  },
                  {
                    type: 'reply',
                    params: ({ context, event }) => ({
                      reply: searchResultsReply(
                        context.searchQuery ?? '',
                        pageOf(event.output, context.page, PRODUCT_PAGE_SIZE),
                      ),
                    }),
                  },
                ],
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
                guard: choseId(OPTION_PREFIX.product),
                target: TO.product,
                actions: {
                  type: 'update',
                  params: ({ event }) => ({
                    productId: chosenId(event, OPTION_PREFIX.product) ?? null,
                    productOrigin: 'search',
                  }),
                },
              },
              ...pagingChoices('page'),
              {
                guard: chose(OPTION.back),
                target: `${TO.searching}.askingQuery`,
              },
            ],
          },
        },
      },
    },
  },
});
