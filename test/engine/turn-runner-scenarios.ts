import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFlow, type Journal } from './test-flow.ts';
import {
  countOf,
  createTestRunner,
  newContact,
  replyKeys,
  type BackendFactory,
  type EngineBackend,
} from './turn-runner-harness.ts';

/**
 * The turn runner's everyday behaviour, run against one backend (memory or
 * Redis): sessions restored between turns through the store's strings,
 * digits mapped to options, duplicates dropped, turns never interleaved.
 */
export function describeTurnRunner(
  name: string,
  factory: BackendFactory,
): void {
  describe(`createTurnRunner over ${name}`, () => {
    let backend: EngineBackend;
    beforeAll(async () => {
      backend = await factory();
    });
    afterAll(async () => {
      await backend.close();
    });

    describe('when a contact writes for the first time', () => {
      it('starts the flow with user.start and answers with its menu', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        const result = await runner.handle(contact.message('hi'));
        expect(result).toMatchObject({
          status: 'handled',
          language: 'en',
          isEnded: false,
        });
        expect(replyKeys(result)).toEqual(['test:menu.title']);
        expect(result.turnId).toMatch(/^[0-9a-f-]{36}$/);
      });
    });

    describe('when the contact answers over several turns', () => {
      it('restores the flow each turn and turns typed digits into option ids', async () => {
        const journal: Journal = [];
        const { runner } = createTestRunner(backend, createTestFlow(journal));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        expect(countOf(await runner.handle(contact.message(' 1 ')))).toBe(1);
        expect(countOf(await runner.handle(contact.message('1')))).toBe(2);
        expect(journal).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
        const stored = JSON.parse(
          (await backend.sessions.get(contact.conversation)) ?? '',
        ) as { menu: Record<string, string> };
        expect(stored).toMatchObject({ v: 2, flowId: 'test', flowVersion: 1 });
        expect(stored.menu).toMatchObject({ 1: 'add', 0: 'nav.back' });
      });

      it('passes a list choice through and keeps typed words as text', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const choice = { type: 'user.choice' as const, optionId: 'add' };
        expect(countOf(await runner.handle(contact.message(choice)))).toBe(1);
        expect(
          replyKeys(await runner.handle(contact.message('seven'))),
        ).toEqual(['test:text']);
      });
    });

    describe('when the contact types menu or 0', () => {
      it('maps 0 to the back option while the last menu has one', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        expect(replyKeys(await runner.handle(contact.message('0')))).toEqual([
          'test:back',
        ]);
      });

      it('sends user.menu for "MENU", and for 0 once the last turn showed no menu', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        expect(
          replyKeys(await runner.handle(contact.message(' MENU '))),
        ).toEqual(['test:menu.title']);
        await runner.handle(contact.message('words'));
        expect(replyKeys(await runner.handle(contact.message('1')))).toEqual([
          'test:text',
        ]);
        expect(replyKeys(await runner.handle(contact.message('0')))).toEqual([
          'test:menu.title',
        ]);
      });
    });

    describe('when the same message id arrives twice', () => {
      it('handles it once and answers the repeat with the first replies', async () => {
        const journal: Journal = [];
        const { runner } = createTestRunner(backend, createTestFlow(journal));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const first = await runner.handle(contact.message('1', 'wamid.same'));
        const again = await runner.handle(contact.message('1', 'wamid.same'));
        expect(first.status).toBe('handled');
        expect(again).toMatchObject({
          status: 'duplicate',
          replies: first.replies,
          language: first.language,
        });
        expect(journal).toEqual(['start 0', 'end 0']);
        expect(countOf(await runner.handle(contact.message('1')))).toBe(2);
      });
    });

    describe('when two messages of one contact arrive at once', () => {
      it('handles them one after the other, in arrival order', async () => {
        const journal: Journal = [];
        const { runner } = createTestRunner(backend, createTestFlow(journal));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const [first, second] = await Promise.all([
          runner.handle(contact.message('1')),
          runner.handle(contact.message('1')),
        ]);
        expect(countOf(first)).toBe(1);
        expect(countOf(second)).toBe(2);
        expect(journal).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
      });

      it('never interleaves turns run by two separate runners (processes)', async () => {
        const journal: Journal = [];
        const flow = createTestFlow(journal);
        const one = createTestRunner(backend, flow).runner;
        const two = createTestRunner(backend, flow).runner;
        const contact = newContact();
        await one.handle(contact.message('hi'));
        const results = await Promise.all([
          one.handle(contact.message('1')),
          two.handle(contact.message('1')),
          one.handle(contact.message('1')),
          two.handle(contact.message('1')),
        ]);
        expect(results.map((r) => r.status)).toEqual([
          'handled',
          'handled',
          'handled',
          'handled',
        ]);
        expect(results.map(countOf).sort()).toEqual([1, 2, 3, 4]);
        expect(journal).toEqual(
          [0, 1, 2, 3].flatMap((n) => [`start ${n}`, `end ${n}`]),
        );
      });
    });

    describe('when the flow reaches a final state', () => {
      it('ends the conversation, deletes the session and starts afresh next time', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        await runner.handle(contact.message('1'));
        const ended = await runner.handle(contact.message('5'));
        expect(ended).toMatchObject({ status: 'handled', isEnded: true });
        expect(ended.replies).toEqual([
          { kind: 'end', text: { key: 'test:bye' } },
        ]);
        expect(
          await backend.sessions.get(contact.conversation),
        ).toBeUndefined();
        const again = await runner.handle(contact.message('1'));
        expect(replyKeys(again)).toEqual(['test:menu.title']);
      });
    });

    describe('when a session is stored', () => {
      it('stays well under 1 KB', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        for (const text of ['hi', '1', '4', '1', '1']) {
          await runner.handle(contact.message(text));
        }
        const stored = (await backend.sessions.get(contact.conversation)) ?? '';
        const bytes = Buffer.byteLength(stored);
        console.info(`engine session size after five turns: ${bytes} bytes`);
        expect(bytes).toBeGreaterThan(100);
        expect(bytes).toBeLessThan(1024);
      });
    });
  });
}
