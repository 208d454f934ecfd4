import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConversationKey,
  ConversationLocks,
  HandledTurn,
  InboundDeduplicator,
  SessionStore,
} from '../../src/engine/index.ts';

/** What a contract suite needs from the backend under test. */
export interface ContractFixture<T> {
  subject: T;
  /** Lets `ms` pass for expiry: a fake clock moves, or real time passes. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export type ContractFactory<T> = (options: {
  handledTtlSeconds: number;
}) => Promise<ContractFixture<T>>;

const alice: ConversationKey = {
  tenantId: 't1',
  channel: 'whatsapp',
  contactId: '+27820000001',
};

/** A helper to move a fake clock that the memory variants read. */
export function createTestClock(start = 1_700_000_000_000): {
  now: () => number;
  advance: (ms: number) => Promise<void>;
} {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  };
}

/** Advances real time, for backends whose clock is Redis's own. */
export const realTime = (ms: number): Promise<void> => sleep(ms);

function useFixture<T>(factory: ContractFactory<T>): () => ContractFixture<T> {
  let fixture: ContractFixture<T> | undefined;
  beforeAll(async () => {
    fixture = await factory({ handledTtlSeconds: 1 });
  });
  afterAll(async () => {
    await fixture?.close();
  });
  return () => {
    if (!fixture) throw new Error('the fixture did not start');
    return fixture;
  };
}

/**
 * The behaviour every SessionStore must show; run against each backend so
 * the memory twin cannot drift from Redis.
 */
export function describeSessionStoreContract(
  name: string,
  factory: ContractFactory<SessionStore>,
): void {
  describe(`${name} (SessionStore contract)`, () => {
    const fixture = useFixture(factory);
    const store = (): SessionStore => fixture().subject;

    it('returns undefined for a conversation without a session', async () => {
      expect(
        await store().get({ ...alice, contactId: '+27820000999' }),
      ).toBeUndefined();
    });

    it('returns the value last set', async () => {
      await store().set(alice, 'first', 60);
      await store().set(alice, '{"v":1}', 60);
      expect(await store().get(alice)).toBe('{"v":1}');
    });

    it('keeps conversations of other tenants, channels and contacts apart', async () => {
      const contact = { ...alice, contactId: '+27820000002' };
      await store().set(contact, 'mine', 60);
      expect(await store().get({ ...contact, tenantId: 't2' })).toBeUndefined();
      expect(
        await store().get({ ...contact, channel: 'ussd' }),
      ).toBeUndefined();
      expect(await store().get(contact)).toBe('mine');
    });

    it('deletes a value, and deleting a missing one is not an error', async () => {
      const contact = { ...alice, contactId: '+27820000003' };
      await store().set(contact, 'gone soon', 60);
      await store().delete(contact);
      await store().delete(contact);
      expect(await store().get(contact)).toBeUndefined();
    });

    it('expires a value after its time to live, counted from the last write', async () => {
      const contact = { ...alice, contactId: '+27820000004' };
      await store().set(contact, 'one', 1);
      await fixture().advance(600);
      await store().set(contact, 'two', 1);
      await fixture().advance(600);
      expect(await store().get(contact)).toBe('two');
      await fixture().advance(500);
      expect(await store().get(contact)).toBeUndefined();
    });

    it('refuses a time to live that is not a whole positive number', async () => {
      await expect(store().set(alice, 'x', 0)).rejects.toMatchObject({
        code: 'engine.session_ttl_invalid',
      });
      await expect(store().set(alice, 'x', 1.5)).rejects.toMatchObject({
        code: 'engine.session_ttl_invalid',
      });
    });

    it('refuses a key segment that contains the delimiter', async () => {
      await expect(
        store().get({ ...alice, contactId: 'a:b' }),
      ).rejects.toMatchObject({ code: 'engine.key_segment_invalid' });
    });
  });
}

/** The behaviour every ConversationLocks implementation must show. */
export function describeConversationLocksContract(
  name: string,
  factory: ContractFactory<ConversationLocks>,
): void {
  describe(`${name} (ConversationLocks contract)`, () => {
    const fixture = useFixture(factory);
    const locks = (): ConversationLocks => fixture().subject;
    const options = { ttlMs: 5_000, waitMs: 0 };

    it('gives a free lock to the first caller only', async () => {
      const conversation = { ...alice, contactId: '+27820000010' };
      const held = await locks().acquire(conversation, options);
      expect(held?.token).toMatch(/^[0-9a-f]{32}$/);
      expect(await locks().acquire(conversation, options)).toBeUndefined();
      expect(
        await locks().acquire({ ...conversation, tenantId: 't2' }, options),
      ).toBeDefined();
      expect(await held?.release()).toBe(true);
      expect(await locks().acquire(conversation, options)).toBeDefined();
    });

    it('hands the lock to a waiter once its holder releases it', async () => {
      const conversation = { ...alice, contactId: '+27820000011' };
      const held = await locks().acquire(conversation, options);
      const waiting = locks().acquire(conversation, {
        ttlMs: 5_000,
        waitMs: 2_000,
      });
      await sleep(40);
      await held?.release();
      const next = await waiting;
      expect(next).toBeDefined();
      expect(next?.token).not.toBe(held?.token);
    });

    it('stops waiting after the wait time and resolves undefined', async () => {
      const conversation = { ...alice, contactId: '+27820000012' };
      await locks().acquire(conversation, options);
      const started = performance.now();
      expect(
        await locks().acquire(conversation, { ttlMs: 5_000, waitMs: 60 }),
      ).toBeUndefined();
      expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    });

    it('frees an expired lock, and the old holder cannot release the new one', async () => {
      const conversation = { ...alice, contactId: '+27820000013' };
      const old = await locks().acquire(conversation, {
        ttlMs: 100,
        waitMs: 0,
      });
      await fixture().advance(150);
      const current = await locks().acquire(conversation, options);
      expect(current).toBeDefined();
      expect(await old?.release()).toBe(false);
      expect(await locks().acquire(conversation, options)).toBeUndefined();
      expect(await current?.release()).toBe(true);
    });
  });
}

/** The behaviour every InboundDeduplicator must show (ttl of 1 s). */
export function describeInboundDeduplicatorContract(
  name: string,
  factory: ContractFactory<InboundDeduplicator>,
): void {
  describe(`${name} (InboundDeduplicator contract)`, () => {
    const fixture = useFixture(factory);
    const dedupe = (): InboundDeduplicator => fixture().subject;

    const answer: HandledTurn = {
      replies: [
        { kind: 'text', text: { key: 'shop:added', params: { n: 2 } } },
      ],
      language: 'zu',
      isEnded: false,
    };

    it('knows an id only after it was marked, and marks it once', async () => {
      expect(await dedupe().findHandled(alice, 'wamid.A1')).toBeUndefined();
      expect(await dedupe().markHandled(alice, 'wamid.A1', answer)).toBe(true);
      const other = { ...answer, language: 'af' as const };
      expect(await dedupe().markHandled(alice, 'wamid.A1', other)).toBe(false);
      expect(await dedupe().findHandled(alice, 'wamid.A1')).toEqual(answer);
    });

    it('accepts any characters in an id and keeps conversations apart', async () => {
      const id = 'ATUid_1:step:2 {x}';
      await dedupe().markHandled(alice, id, answer);
      expect(await dedupe().findHandled(alice, id)).toEqual(answer);
      const ussd = { ...alice, channel: 'ussd' as const };
      expect(await dedupe().findHandled(ussd, id)).toBeUndefined();
    });

    it('forgets an id after its time to live', async () => {
      await dedupe().markHandled(alice, 'wamid.B2', answer);
      await fixture().advance(1_100);
      expect(await dedupe().findHandled(alice, 'wamid.B2')).toBeUndefined();
    });
  });
}
