import { setTimeout as sleep } from 'node:timers/promises';
import { assign, emit, fromPromise, setup } from 'xstate';
import type { FlowDefinition } from '../../src/engine/index.ts';
import type { Language } from '../../src/i18n/index.ts';
import { t, type MenuReply } from '../../src/flows/index.ts';

/** What the test flow's invoked work did, in order, across all turns. */
export type Journal = string[];

export interface TestFlowContext {
  language: Language;
  count: number;
  /** How long the `slow` choice works, from the flow's input. */
  slowMs: number;
}

const MAIN_MENU: MenuReply = {
  kind: 'menu',
  text: t('test:menu.title'),
  options: [
    { id: 'add', label: t('test:add') },
    { id: 'slow', label: t('test:slow') },
    { id: 'boom', label: t('test:boom') },
    { id: 'zulu', label: t('test:zulu') },
    { id: 'finish', label: t('test:finish') },
    { id: 'oops', label: t('test:oops') },
    { id: 'nav.back', label: t('common:nav.back'), role: 'back' },
  ],
};

/**
 * A small flow for the engine's tests: a counter whose increments are
 * invoked promise actors that write to `journal`, so tests can see effects,
 * their order and their overlap.
 */
export function createTestFlow(journal: Journal, version = 1): FlowDefinition {
  const machine = setup({
    types: {
      context: {} as TestFlowContext,
      input: {} as { slowMs: number },
      events: {} as
        | { type: 'user.start' }
        | { type: 'user.menu' }
        | { type: 'user.text'; text: string }
        | { type: 'user.choice'; optionId: string },
      emitted: {} as
        | { type: 'reply'; reply: unknown }
        | { type: 'flow.failed'; code: string },
    },
    actors: {
      record: fromPromise(async ({ input }: { input: { count: number } }) => {
        journal.push(`start ${input.count}`);
        await sleep(15);
        journal.push(`end ${input.count}`);
        return input.count + 1;
      }),
      work: fromPromise(async ({ input }: { input: { ms: number } }) => {
        journal.push('slow start');
        await sleep(input.ms);
        journal.push('slow end');
        return input.ms;
      }),
      fail: fromPromise(async () => {
        await sleep(5);
        throw new Error('the test flow fails on purpose');
      }),
    },
    actions: {
      showMenu: emit({ type: 'reply', reply: MAIN_MENU }),
      showCount: emit(({ context }) => ({
        type: 'reply' as const,
        reply: {
          kind: 'text',
          text: t('test:count', { count: context.count }),
        },
      })),
    },
  }).createMachine({
    id: 'test',
    context: ({ input }) => ({
      language: 'en',
      count: 0,
      slowMs: input.slowMs,
    }),
    initial: 'idle',
    states: {
      idle: {
        on: {
          'user.start': { target: 'choosing', actions: 'showMenu' },
          'user.menu': { actions: 'showMenu' },
          'user.text': {
            actions: emit({
              type: 'reply',
              reply: { kind: 'text', text: t('test:text') },
            }),
          },
          'user.choice': [
            {
              guard: ({ event }) => event.optionId === 'add',
              target: 'adding',
            },
            {
              guard: ({ event }) => event.optionId === 'slow',
              target: 'working',
            },
            {
              guard: ({ event }) => event.optionId === 'boom',
              target: 'failing',
            },
            {
              guard: ({ event }) => event.optionId === 'zulu',
              actions: [assign({ language: 'zu' }), 'showMenu'],
            },
            {
              guard: ({ event }) => event.optionId === 'finish',
              target: 'finished',
            },
            {
              guard: ({ event }) => event.optionId === 'oops',
              target: 'recovering',
            },
            {
              actions: emit({
                type: 'reply',
                reply: { kind: 'text', text: t('test:back') },
              }),
            },
          ],
        },
      },
      choosing: { always: 'idle' },
      adding: {
        invoke: {
          src: 'record',
          input: ({ context }) => ({ count: context.count }),
          onDone: {
            target: 'idle',
            actions: [
              assign({ count: ({ event }) => event.output }),
              'showCount',
              'showMenu',
            ],
          },
        },
      },
      working: {
        invoke: {
          src: 'work',
          input: ({ context }) => ({ ms: context.slowMs }),
          onDone: {
            target: 'idle',
            actions: [
              assign({ count: ({ context }) => context.count + 100 }),
              'showCount',
              'showMenu',
            ],
          },
        },
      },
      // No onError on purpose: the rejection makes the whole actor fail.
      failing: { invoke: { src: 'fail' } },
      // The same failure caught by the flow, as the customer flow does it.
      recovering: {
        invoke: {
          src: 'fail',
          onError: {
            target: 'idle',
            actions: [
              emit({ type: 'flow.failed', code: 'test.caught' }),
              emit({
                type: 'reply',
                reply: { kind: 'text', text: t('common:error.apology') },
              }),
            ],
          },
        },
      },
      finished: {
        type: 'final',
        entry: emit({
          type: 'reply',
          reply: { kind: 'end', text: t('test:bye') },
        }),
      },
    },
  });
  return {
    id: 'test',
    version,
    machine,
    createInput: () => ({ slowMs: 250 }),
  };
}
