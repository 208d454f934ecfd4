import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConversationKey,
  HandledTurn,
  TurnCommit,
  TurnStore,
  TurnStoreParts,
} from '../../src/engine/index.ts';
import { uniqueSuffix } from '../support/services.ts';

/** A turn store under test and the three stores it works on. */
export interface TurnStoreFixture {
  store: TurnStore;
  parts: TurnStoreParts;
  /** Lets `ms` pass for lock expiry: a fake clock moves, or time passes. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

const ANSWER: HandledTurn = {
  replies: [{ kind: 'text', text: { key: 'shop:added', params: { n: 1 } } }],
  language: 'xh',
  isEnded: false,
};

const HOLD = { ttlMs: 5_000, waitMs: 0 };

function newConversation(): ConversationKey {
  return {
    tenantId: 't1',
    channel: 'ussd',
    contactId: `+2782${uniqueSuffix()}`,
  };
}

function commit(value: string | null, messageId: string): TurnCommit {
  return {
    session: value === null ? null : { value, ttlSeconds: 60 },
    messageId,
    handled: ANSWER,
  };
}

/**
 * What every TurnStore must do, whichever backend and however many round
 * trips it takes: the turn runner's guarantees (one turn at a time, no
 * second effect for a handled id, writes only when a turn finishes) rest
 * on it. It also checks that the store works on the same keys as the three
 * separate stores, which other code (and older processes) still use.
 */
export function describeTurnStoreContract(
  name: string,
  factory: () => Promise<TurnStoreFixture>,
): void {
  describe(`${name} (TurnStore contract)`, () => {
    let fixture: TurnStoreFixture;
    beforeAll(async () => {
      fixture = await factory();
    });
    afterAll(async () => {
      await fixture.close();
    });

    describe('when a conversation has no session yet', () => {
      it('opens with the lock and no session', async () => {
        const opening = await fixture.store.begin(
          newConversation(),
          'm1',
          HOLD,
        );
        expect(opening.kind).toBe('open');
        if (opening.kind !== 'open') return;
        expect(opening.session).toBeUndefined();
        expect(opening.lock.token).toMatch(/^[0-9a-f]{32}$/);
      });
    });

    describe('when another turn holds the conversation', () => {
      it('is busy, whether the lock came from a turn store or the locks', async () => {
        const conversation = newConversation();
        await fixture.store.begin(conversation, 'm1', HOLD);
        expect(await fixture.store.begin(conversation, 'm2', HOLD)).toEqual({
          kind: 'busy',
        });
        const other = newConversation();
        await fixture.parts.locks.acquire(other, HOLD);
        expect(await fixture.store.begin(other, 'm1', HOLD)).toEqual({
          kind: 'busy',
        });
      });

      it('waits for the release and then opens', async () => {
        const conversation = newConversation();
        const first = await fixture.store.begin(conversation, 'm1', HOLD);
        const waiting = fixture.store.begin(conversation, 'm2', {
          ttlMs: 5_000,
          waitMs: 2_000,
        });
        await sleep(40);
        if (first.kind !== 'open') throw new Error('first turn did not open');
        await fixture.store.finish(
          conversation,
          first.lock,
          commit('s1', 'm1'),
        );
        const second = await waiting;
        expect(second).toMatchObject({ kind: 'open', session: 's1' });
      });
    });

    describe('when a turn finishes', () => {
      it('writes the session, marks the id and frees the lock', async () => {
        const conversation = newConversation();
        const opening = await fixture.store.begin(conversation, 'm1', HOLD);
        if (opening.kind !== 'open') throw new Error('turn did not open');
        const finish = fixture.store.finish(
          conversation,
          opening.lock,
          commit('{"v":2}', 'm1'),
        );
        expect(await finish).toBe(true);
        expect(await fixture.parts.sessions.get(conversation)).toBe('{"v":2}');
        expect(
          await fixture.parts.dedupe.findHandled(conversation, 'm1'),
        ).toEqual(ANSWER);
        const lock = await fixture.parts.locks.acquire(conversation, HOLD);
        expect(lock).toBeDefined();
        await lock?.release();
      });

      it('answers a repeat of the id as a duplicate and leaves the lock free', async () => {
        const conversation = newConversation();
        const opening = await fixture.store.begin(conversation, 'm1', HOLD);
        if (opening.kind !== 'open') throw new Error('turn did not open');
        await fixture.store.finish(
          conversation,
          opening.lock,
          commit('s', 'm1'),
        );
        expect(await fixture.store.begin(conversation, 'm1', HOLD)).toEqual({
          kind: 'duplicate',
          handled: ANSWER,
        });
        const next = await fixture.store.begin(conversation, 'm2', HOLD);
        expect(next).toMatchObject({ kind: 'open', session: 's' });
      });

      it('keeps the first answer of an id that is finished twice', async () => {
        const conversation = newConversation();
        const opening = await fixture.store.begin(conversation, 'm9', HOLD);
        if (opening.kind !== 'open') throw new Error('turn did not open');
        await fixture.store.finish(
          conversation,
          opening.lock,
          commit('s', 'm9'),
        );
        const lock = await fixture.parts.locks.acquire(conversation, HOLD);
        if (!lock) throw new Error('the lock stayed taken');
        await fixture.store.finish(conversation, lock, {
          ...commit('s', 'm9'),
          handled: { ...ANSWER, language: 'af' },
        });
        expect(
          await fixture.parts.dedupe.findHandled(conversation, 'm9'),
        ).toEqual(ANSWER);
      });

      it('deletes the session of a conversation that ended', async () => {
        const conversation = newConversation();
        await fixture.parts.sessions.set(conversation, 'old', 60);
        const opening = await fixture.store.begin(conversation, 'm1', HOLD);
        expect(opening).toMatchObject({ kind: 'open', session: 'old' });
        if (opening.kind !== 'open') return;
        await fixture.store.finish(
          conversation,
          opening.lock,
          commit(null, 'm1'),
        );
        expect(await fixture.parts.sessions.get(conversation)).toBeUndefined();
      });

      it('reports an expired lock and never frees the next holder', async () => {
        const conversation = newConversation();
        const opening = await fixture.store.begin(conversation, 'm1', {
          ttlMs: 100,
          waitMs: 0,
        });
        if (opening.kind !== 'open') throw new Error('turn did not open');
        await fixture.advance(150);
        const next = await fixture.parts.locks.acquire(conversation, HOLD);
        expect(next).toBeDefined();
        expect(
          await fixture.store.finish(
            conversation,
            opening.lock,
            commit('s', 'm1'),
          ),
        ).toBe(false);
        expect(await fixture.store.begin(conversation, 'm2', HOLD)).toEqual({
          kind: 'busy',
        });
        expect(await next?.release()).toBe(true);
      });
    });

    describe('when the input is unusable', () => {
      it('refuses an empty message id and a bad time to live', async () => {
        const conversation = newConversation();
        await expect(
          fixture.store.begin(conversation, '', HOLD),
        ).rejects.toMatchObject({ code: 'engine.message_id_empty' });
        const opening = await fixture.store.begin(conversation, 'm1', HOLD);
        if (opening.kind !== 'open') throw new Error('turn did not open');
        await expect(
          fixture.store.finish(conversation, opening.lock, {
            ...commit('s', 'm1'),
            session: { value: 's', ttlSeconds: 0 },
          }),
        ).rejects.toMatchObject({ code: 'engine.session_ttl_invalid' });
        expect(
          await fixture.parts.dedupe.findHandled(conversation, 'm1'),
        ).toBeUndefined();
      });
    });
  });
}
