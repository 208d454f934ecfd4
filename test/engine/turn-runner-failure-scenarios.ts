import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TurnResult } from '../../src/engine/index.ts';
import { WakalaError } from '../../src/shared/index.ts';
import { createTestFlow, type Journal } from './test-flow.ts';
import {
  countOf,
  createTestRunner,
  newContact,
  replyKeys,
  type BackendFactory,
  type EngineBackend,
} from './turn-runner-harness.ts';

const APOLOGY = [{ kind: 'text', text: { key: 'common:error.apology' } }];

/**
 * The turn runner when things go wrong: a slow flow, a failing flow, a
 * busy conversation, an unusable stored session.
 */
export function describeTurnRunnerFailures(
  name: string,
  factory: BackendFactory,
): void {
  describe(`createTurnRunner over ${name}, when things go wrong`, () => {
    let backend: EngineBackend;
    beforeAll(async () => {
      backend = await factory();
    });
    afterAll(async () => {
      await backend.close();
    });

    describe('when the flow outlives the time budget', () => {
      it('answers timed_out at once, then saves the late work before the next turn', async () => {
        const journal: Journal = [];
        const late: TurnResult[] = [];
        const { runner, lines } = createTestRunner(
          backend,
          createTestFlow(journal),
          {
            onLateResult: (_message, result) => {
              late.push(result);
              return Promise.resolve();
            },
          },
        );
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const started = performance.now();
        const slow = await runner.handle(contact.message('2'), {
          budgetMs: 60,
        });
        expect(performance.now() - started).toBeLessThan(220);
        expect(slow).toMatchObject({ status: 'timed_out', replies: [] });
        const next = await runner.handle(contact.message('1'));
        expect(countOf(next)).toBe(101);
        expect(journal).toEqual([
          'slow start',
          'slow end',
          'start 100',
          'end 100',
        ]);
        expect(lines.some((line) => line.msg === 'late turn finished')).toBe(
          true,
        );
        expect(late).toHaveLength(1);
        expect(late[0]).toMatchObject({
          status: 'handled',
          turnId: slow.turnId,
        });
        expect(countOf(late[0]!)).toBe(100);
      });

      it('keeps the old session when the late work fails', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        await runner.handle(contact.message('1'));
        const failing = await runner.handle(contact.message('3'), {
          budgetMs: 0,
        });
        expect(failing.status).toBe('timed_out');
        expect(countOf(await runner.handle(contact.message('1')))).toBe(2);
      });

      it('abandons a turn still running near the lock expiry, unsaved', async () => {
        const { runner, lines } = createTestRunner(
          backend,
          createTestFlow([]),
          {
            lockTtlMs: 150,
          },
        );
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const before = await backend.sessions.get(contact.conversation);
        expect(
          (await runner.handle(contact.message('2'), { budgetMs: 20 })).status,
        ).toBe('timed_out');
        await sleep(300);
        expect(lines.some((line) => line.msg === 'turn abandoned')).toBe(true);
        expect(await backend.sessions.get(contact.conversation)).toBe(before);
      });
    });

    describe('when the flow fails', () => {
      it('apologises in the contact language, logs once and keeps the session usable', async () => {
        const { runner, lines } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        await runner.handle(contact.message('4'));
        const failed = await runner.handle(contact.message('3'));
        expect(failed).toMatchObject({
          status: 'failed',
          language: 'zu',
          replies: APOLOGY,
        });
        const errors = lines.filter((line) => line.level === 50);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({
          msg: 'flow failed',
          tenantId: 'tenant1',
          channel: 'whatsapp',
          turnId: failed.turnId,
          code: 'engine.flow_failed',
        });
        expect(JSON.stringify(lines)).not.toContain(
          contact.conversation.contactId.slice(1),
        );
        const next = await runner.handle(contact.message('1'));
        expect(next).toMatchObject({ status: 'handled', language: 'zu' });
        expect(countOf(next)).toBe(1);
      });

      it('logs a failure the flow caught itself, with tenant and turn ids', async () => {
        const { runner, lines } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const caught = await runner.handle(contact.message('6'));
        expect(caught).toMatchObject({
          status: 'handled',
          failures: ['test.caught'],
          replies: APOLOGY,
        });
        const errors = lines.filter((line) => line.level === 50);
        expect(errors).toEqual([
          expect.objectContaining({
            code: 'test.caught',
            tenantId: 'tenant1',
            turnId: caught.turnId,
            flowId: 'test',
          }),
        ]);
        const next = await runner.handle(contact.message('1'));
        expect(next).toMatchObject({ status: 'handled', failures: [] });
      });

      it('retries a failed message id, since only succeeded turns are marked', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        expect(
          (await runner.handle(contact.message('3', 'wamid.f'))).status,
        ).toBe('failed');
        expect(
          (await runner.handle(contact.message('3', 'wamid.f'))).status,
        ).toBe('failed');
      });
    });

    describe('when the tenant cannot be entered', () => {
      it('answers failed and passes on whether a retry may help', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]), {
          runInTenant: () =>
            Promise.reject(
              new WakalaError('tenancy.moving', 'Tenant is moving.', {
                isRetryable: true,
              }),
            ),
        });
        const result = await runner.handle(newContact().message('hi'));
        expect(result).toMatchObject({
          status: 'failed',
          isRetryable: true,
          replies: APOLOGY,
        });
      });
    });

    describe('when the conversation stays busy past the wait', () => {
      it('answers failed, retryable, and leaves the session alone', async () => {
        const { runner } = createTestRunner(backend, createTestFlow([]), {
          lockWaitMs: 50,
        });
        const contact = newContact();
        await runner.handle(contact.message('hi'));
        const before = await backend.sessions.get(contact.conversation);
        const held = await backend.locks.acquire(contact.conversation, {
          ttlMs: 5_000,
          waitMs: 0,
        });
        const result = await runner.handle(contact.message('1'));
        await held?.release();
        expect(result).toMatchObject({
          status: 'failed',
          isRetryable: true,
          language: 'en',
        });
        expect(await backend.sessions.get(contact.conversation)).toBe(before);
      });
    });

    describe('when the stored session cannot be used', () => {
      it('starts afresh after a flow version change and logs why', async () => {
        const journal: Journal = [];
        const contact = newContact();
        const v1 = createTestRunner(backend, createTestFlow(journal, 1));
        await v1.runner.handle(contact.message('hi'));
        await v1.runner.handle(contact.message('1'));
        const v2 = createTestRunner(backend, createTestFlow(journal, 2));
        const result = await v2.runner.handle(contact.message('1'));
        expect(replyKeys(result)).toEqual(['test:menu.title']);
        expect(v2.lines).toContainEqual(
          expect.objectContaining({
            msg: 'session dropped',
            reason: 'flow_version',
          }),
        );
        expect(countOf(await v2.runner.handle(contact.message('1')))).toBe(1);
      });

      it('starts afresh from an unreadable value or a state the machine lacks', async () => {
        const { runner, lines } = createTestRunner(backend, createTestFlow([]));
        const contact = newContact();
        await backend.sessions.set(contact.conversation, 'not json', 60);
        expect(replyKeys(await runner.handle(contact.message('1')))).toEqual([
          'test:menu.title',
        ]);
        const stored = JSON.parse(
          (await backend.sessions.get(contact.conversation)) ?? '',
        ) as { snapshot: { value: unknown } };
        stored.snapshot.value = 'vanished';
        await backend.sessions.set(
          contact.conversation,
          JSON.stringify(stored),
          60,
        );
        expect(replyKeys(await runner.handle(contact.message('1')))).toEqual([
          'test:menu.title',
        ]);
        const reasons = lines
          .filter((l) => l.msg === 'session dropped')
          .map((l) => l.reason);
        expect(reasons).toEqual(['unreadable', 'restore_failed']);
      });
    });
  });
}
