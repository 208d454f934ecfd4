import { setTimeout as sleep } from 'node:timers/promises';
import { assign, emit, fromPromise, setup } from 'xstate';
import type { FlowDefinition } from '../../../src/engine/index.ts';
import { t, type MenuOption, type Reply } from '../../../src/flows/reply.ts';
import { initI18n, type Language } from '../../../src/i18n/index.ts';

// The flow's texts, in a namespace of this test only.
initI18n().addResourceBundle('en', 'ussdflow', {
  title: 'Choose a product:',
  product: 'Product {{n}} with a long name',
  back: 'Back',
  more: 'More',
  echo: 'You typed: {{text}}',
  turns: 'Turn {{count}}',
  bye: 'Thank you, goodbye.',
  done: 'Work done.',
});

const options: MenuOption[] = [
  ...Array.from({ length: 9 }, (_, index) => ({
    id: `prod:${index + 1}`,
    label: t('ussdflow:product', { n: index + 1 }),
  })),
  { id: 'nav.back', label: t('ussdflow:back'), role: 'back' as const },
  { id: 'nav.more', label: t('ussdflow:more'), role: 'more' as const },
];

const MENU: Reply = { kind: 'menu', text: t('ussdflow:title'), options };

/**
 * A small flow for the USSD channel's tests: a long product menu (paged on
 * USSD), an echo of typed text, a slow choice (prod:9) for the time budget,
 * and an end (prod:1). `effects` records what its invoked work did.
 */
export function createUssdTestFlow(effects: string[]): FlowDefinition {
  const machine = setup({
    types: {
      context: {} as { language: Language; turns: number },
      events: {} as
        | { type: 'user.start' }
        | { type: 'user.menu' }
        | { type: 'user.text'; text: string }
        | { type: 'user.choice'; optionId: string },
      emitted: {} as { type: 'reply'; reply: Reply },
    },
    actors: {
      slow: fromPromise(async () => {
        await sleep(400);
        effects.push('slow work done');
      }),
    },
    actions: {
      showMenu: emit({ type: 'reply', reply: MENU }),
    },
  }).createMachine({
    id: 'ussd-test',
    context: { language: 'en', turns: 0 },
    initial: 'menu',
    on: {
      'user.start': {
        target: '.menu',
        actions: [
          assign({ turns: ({ context }) => context.turns + 1 }),
          () => effects.push('start'),
          'showMenu',
        ],
      },
    },
    states: {
      menu: {
        on: {
          'user.text': {
            actions: [
              ({ event }) => effects.push(`text ${event.text}`),
              emit(({ event }) => ({
                type: 'reply' as const,
                reply: {
                  kind: 'text' as const,
                  text: t('ussdflow:echo', { text: event.text }),
                },
              })),
            ],
          },
          'user.choice': [
            {
              guard: ({ event }) => event.optionId === 'prod:1',
              target: 'finished',
            },
            {
              guard: ({ event }) => event.optionId === 'prod:9',
              target: 'working',
            },
            {
              actions: [
                ({ event }) => effects.push(`choice ${event.optionId}`),
                'showMenu',
              ],
            },
          ],
        },
      },
      working: {
        invoke: {
          src: 'slow',
          onDone: {
            target: 'menu',
            actions: emit({
              type: 'reply',
              reply: { kind: 'text', text: t('ussdflow:done') },
            }),
          },
        },
      },
      finished: {
        type: 'final',
        entry: emit({
          type: 'reply',
          reply: { kind: 'end', text: t('ussdflow:bye') },
        }),
      },
    },
  });
  return { id: 'ussd-test', version: 1, machine, createInput: () => ({}) };
}
