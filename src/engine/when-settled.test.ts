import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { assign, createActor, fromPromise, setup } from 'xstate';
import { whenSettled } from './when-settled.ts';

const pause = fromPromise(async ({ input }: { input: number }) => {
  await sleep(input);
  return input;
});

describe('whenSettled', () => {
  describe('when a finished promise leads the parent to invoke more work', () => {
    it('waits for the second promise too', async () => {
      const machine = setup({ actors: { pause } }).createMachine({
        initial: 'first',
        states: {
          first: { invoke: { src: 'pause', input: 10, onDone: 'second' } },
          second: { invoke: { src: 'pause', input: 10, onDone: 'rest' } },
          rest: {},
        },
      });
      const actor = createActor(machine).start();
      expect(await whenSettled(actor)).toEqual({ isSettled: true });
      expect(actor.getSnapshot().value).toBe('rest');
    });
  });

  describe('when a child machine runs a promise of its own', () => {
    it('waits for the grandchild', async () => {
      const child = setup({ actors: { pause } }).createMachine({
        context: { done: false },
        initial: 'busy',
        states: {
          busy: {
            invoke: {
              src: 'pause',
              input: 20,
              onDone: { target: 'idle', actions: assign({ done: true }) },
            },
          },
          idle: {},
        },
      });
      const parent = setup({ actors: { child } }).createMachine({
        invoke: { src: 'child', id: 'kid' },
      });
      const actor = createActor(parent).start();
      expect(await whenSettled(actor)).toEqual({ isSettled: true });
      const kid = actor.getSnapshot().children.kid;
      expect(kid?.getSnapshot().context).toEqual({ done: true });
    });
  });

  describe('when the work fails without an onError', () => {
    it('resolves with the error', async () => {
      const machine = setup({
        actors: {
          fail: fromPromise(async () => {
            await sleep(5);
            throw new Error('no');
          }),
        },
      }).createMachine({ invoke: { src: 'fail' } });
      const actor = createActor(machine);
      actor.subscribe({ error: () => undefined });
      actor.start();
      const outcome = await whenSettled(actor);
      expect(outcome).toMatchObject({
        isSettled: false,
        error: new Error('no'),
      });
    });
  });
});
