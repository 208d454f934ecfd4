import { assign, emit, enqueueActions, raise, setup } from 'xstate';
import { errorCode } from '../../shared/index.ts';
import type { Reply } from '../reply.ts';
import { customerActors } from './actors.ts';
import {
  createCustomerContext,
  type CustomerContext,
  type CustomerEmitted,
  type CustomerEvent,
  type CustomerInput,
} from './context.ts';
import {
  chosenId,
  chosenLanguage,
  chosenOption,
  type OptionPrefix,
} from './option-ids.ts';
import {
  answerText,
  isLanguageWord,
  typedAddress,
  typedQuantity,
  typedQuery,
} from './typed-input.ts';

/**
 * The customer flow's vocabulary: its types and every action, guard and
 * actor registered by name, so that state configs in other files
 * (`createStateConfig`) and persisted snapshots can refer to them.
 */
export const customerSetup = setup({
  types: {
    context: {} as CustomerContext,
    events: {} as CustomerEvent,
    input: {} as CustomerInput,
    emitted: {} as CustomerEmitted,
  },
  actors: customerActors,
  actions: {
    reply: emit((_, params: { reply: Reply }) => ({
      type: 'reply' as const,
      reply: params.reply,
    })),
    replyAll: enqueueActions(({ enqueue }, params: { replies: Reply[] }) => {
      for (const reply of params.replies) {
        enqueue.emit({ type: 'reply', reply });
      }
    }),
    /** Changes context; every change the flow makes goes through here. */
    update: assign((_, params: Partial<CustomerContext>) => params),
    /** Asks the current screen to show itself again (see `flow.redraw`). */
    redraw: raise({ type: 'flow.redraw' }),
    reportFailure: emit((_, params: { error: unknown }) => ({
      type: 'flow.failed' as const,
      code: errorCode(params.error),
    })),
  },
  guards: {
    isOption: ({ event }, params: { id: string }) =>
      chosenOption(event) === params.id,
    hasChosenId: ({ event }, params: { prefix: OptionPrefix }) =>
      chosenId(event, params.prefix) !== undefined,
    isLanguageChoice: ({ event }) => chosenLanguage(event) !== undefined,
    isLanguageWord: ({ event }) => isLanguageWord(event),
    isAnswerText: ({ event }) => answerText(event) !== undefined,
    isQuantity: ({ event }) => typedQuantity(event) !== undefined,
    isAddress: ({ event }) => typedAddress(event) !== undefined,
    isQuery: ({ event }) => typedQuery(event) !== undefined,
    /** A condition on an actor's output, computed by the transition. */
    isMet: (_, params: { condition: boolean }) => params.condition,
  },
});

/** Builds the context of a fresh conversation from the machine's input. */
export const initialContext = ({ input }: { input: CustomerInput }) =>
  createCustomerContext(input);
